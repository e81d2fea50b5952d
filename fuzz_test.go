// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"errors"
	"testing"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

// FuzzStore feeds arbitrary keys, selectors and samples to a Store: it must
// never panic, must refuse bad input with one of its sentinel errors, and a
// put it accepted as new must be what a get of that key yields.
func FuzzStore(f *testing.F) {
	f.Add("demo/a", "demo/**", []byte("v"), uint8(1), uint64(1<<40), []byte{1})
	f.Add("demo/a/*", "demo/$*", []byte{}, uint8(2), uint64(0), []byte{})
	f.Add("demo//x", "**/**", []byte("x"), uint8(1), uint64(99), []byte{0})
	f.Add("demo/@v", "demo/a$*$*b", []byte(nil), uint8(3), uint64(1<<63), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, key, selector string, value []byte, kind uint8, at uint64, id []byte) {
		ft := newFakeTime()
		s, err := strata.Open(bg, memory.New(), &strata.Options{
			KeyExpr: "demo/**", Clock: newClock(ft, 1), GCInterval: -1, MaxValueSize: 1 << 10,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(bg)
		smp := strata.Sample{Key: key, Value: value, Kind: strata.Kind(kind)}
		if hid, err := hlc.NewID(id); err == nil {
			smp.Timestamp = hlc.Timestamp{Time: hlc.NTP64(at), ID: hid}
		}
		r, err := s.Apply(bg, smp)
		if err != nil {
			for _, sentinel := range []error{strata.ErrInvalidKey, strata.ErrOutOfScope, strata.ErrInvalidSample, strata.ErrTooLarge, hlc.ErrDrift} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("Apply(%+v): unclassified error %v", smp, err)
		}
		if r == strata.Inserted {
			n := 0
			for got, err := range s.Get(bg, key) {
				if err != nil || got.Key != key || string(got.Value) != string(value) {
					t.Fatalf("get %q after insert: %+v, %v", key, got, err)
				}
				n++
			}
			if n != 1 {
				t.Fatalf("get %q after insert yielded %d samples", key, n)
			}
		}
		for _, err := range s.Get(bg, selector) {
			if err != nil && !errors.Is(err, strata.ErrInvalidKey) {
				t.Fatalf("Get(%q): %v", selector, err)
			}
		}
		if _, err := s.Delete(bg, selector); err != nil &&
			!errors.Is(err, strata.ErrInvalidKey) && !errors.Is(err, strata.ErrOutOfScope) {
			t.Fatalf("Delete(%q): %v", selector, err)
		}
	})
}
