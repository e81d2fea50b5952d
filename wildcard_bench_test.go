// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
)

// BenchmarkRememberedWildcardDeletes measures what remembered wildcard
// deletes cost the writes that do not match them: a store holding
// 10,000 of them (one per robot, "fleet/robot/N/**", plus a few wide
// ones) against a store with none, alternated in one loop. Put is stamped
// after every delete; Apply carries samples from a peer stamped before all
// of them, so each one has to consult the index. The ratios are printed
// as puts-ratio and apply-ratio (target ≤ 1.2).
func BenchmarkRememberedWildcardDeletes(b *testing.B) {
	const remembered = 10_000
	open := func(n int) (*strata.Store, *fakeTime) {
		ft := newFakeTime()
		s, err := strata.Open(bg, memory.New(), &strata.Options{
			KeyExpr: "fleet/**", Clock: newClock(ft, 1), GCInterval: -1, MaxWildcardDeletes: remembered,
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close(bg) })
		ft.Advance(time.Second)
		for i := range n {
			expr := fmt.Sprintf("fleet/robot/%06d/**", 1_000_000+i)
			if i%1000 == 999 {
				expr = fmt.Sprintf("fleet/zone%d/*/pose", i/1000)
			}
			if _, err := s.Delete(bg, expr); err != nil {
				b.Fatal(err)
			}
		}
		return s, ft
	}
	none, _ := open(0)
	many, ft := open(remembered)
	if got := len(many.WildcardDeletes()); got != remembered {
		b.Fatalf("%d remembered deletes, want %d", got, remembered)
	}
	peer := ft.Clock(2, -time.Hour) // older than every delete
	value := make([]byte, 100)
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
	}

	var dNone, dMany, aNone, aMany time.Duration
	i := 0
	for b.Loop() {
		k := keys[i%benchKeys]
		t0 := time.Now()
		if _, err := none.Put(bg, k, value); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := many.Put(bg, k, value); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		smp := strata.Sample{Key: "fleet/peer/" + k, Value: value, Timestamp: peer.Now(), Kind: strata.KindPut}
		if _, err := none.Apply(bg, smp); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		smp.Timestamp = peer.Now()
		if _, err := many.Apply(bg, smp); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		dNone += t1.Sub(t0)
		dMany += t2.Sub(t1)
		aNone += t3.Sub(t2)
		aMany += t4.Sub(t3)
		i++
	}
	n := float64(b.N)
	b.ReportMetric(float64(dNone.Nanoseconds())/n, "ns/put-none")
	b.ReportMetric(float64(dMany.Nanoseconds())/n, "ns/put-10k")
	b.ReportMetric(float64(dMany)/float64(dNone), "puts-ratio")
	b.ReportMetric(float64(aNone.Nanoseconds())/n, "ns/apply-none")
	b.ReportMetric(float64(aMany.Nanoseconds())/n, "ns/apply-10k")
	b.ReportMetric(float64(aMany)/float64(aNone), "apply-ratio")
}
