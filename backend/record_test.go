// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

func TestRecordRoundTrip(t *testing.T) {
	ts := hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{7}}
	cases := []backend.Entry{
		{Value: []byte("hello"), Encoding: "text/plain", Timestamp: ts},
		{Value: []byte{}, Timestamp: ts},
		{Value: bytes.Repeat([]byte{0, 255}, 1000), Encoding: "application/octet-stream", Timestamp: ts},
		{Timestamp: ts, Deleted: true},
		{Timestamp: ts, Deleted: true, Encoding: "text/plain"},
	}
	for _, e := range cases {
		rec, err := backend.AppendRecord([]byte("junk"), e)
		if err != nil {
			t.Fatal(err)
		}
		rec = rec[4:]
		if len(rec) != backend.RecordSize(e) && !e.Deleted {
			t.Errorf("RecordSize = %d, record is %d bytes", backend.RecordSize(e), len(rec))
		}
		got, err := backend.DecodeRecord(rec, true)
		if err != nil {
			t.Fatalf("decode %+v: %v", e, err)
		}
		if got.Encoding != e.Encoding || got.Timestamp != e.Timestamp || got.Deleted != e.Deleted || !bytes.Equal(got.Value, e.Value) {
			t.Errorf("round trip: got %+v, want %+v", got, e)
		}
		meta, err := backend.DecodeRecord(rec, false)
		if err != nil || meta.Value != nil || meta.Timestamp != e.Timestamp {
			t.Errorf("header-only decode: %+v, %v", meta, err)
		}
		if len(rec) > 0 && !e.Deleted && len(e.Value) > 0 {
			rec[len(rec)-1] ^= 1 // the decoded value must be a copy
			if got.Value[len(got.Value)-1] != e.Value[len(e.Value)-1] {
				t.Error("decoded value aliases the record")
			}
		}
	}
}

func TestRecordCorrupt(t *testing.T) {
	good, _ := backend.AppendRecord(nil, backend.Entry{Value: []byte("v"), Encoding: "e", Timestamp: hlc.Timestamp{Time: 99, ID: hlc.ID{1}}})
	tomb, _ := backend.AppendRecord(nil, backend.Entry{Timestamp: hlc.Timestamp{Time: 99, ID: hlc.ID{1}}, Deleted: true})
	bad := map[string][]byte{
		"empty":             nil,
		"short":             good[:10],
		"version":           append([]byte{9}, good[1:]...),
		"flags":             append([]byte{1, 0x80}, good[2:]...),
		"encoding overflow": append(append([]byte{}, good[:26]...), 0xff, 0xff, 0xff, 0xff, 0x0f),
		"tombstone value":   append(append([]byte{}, tomb...), 'x'),
		"foreign":           []byte("just some bytes someone else wrote here"),
	}
	for name, b := range bad {
		if _, err := backend.DecodeRecord(b, true); !errors.Is(err, backend.ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
		if _, err := backend.ViewRecord(b); !errors.Is(err, backend.ErrCorrupt) {
			t.Errorf("%s: ViewRecord got %v, want ErrCorrupt", name, err)
		}
	}
	if _, err := backend.AppendRecord(nil, backend.Entry{Encoding: string(make([]byte, backend.MaxEncodingLen+1))}); err == nil {
		t.Error("an over-long encoding was accepted")
	}
}

func TestViewRecord(t *testing.T) {
	ts := hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{9}}
	for _, e := range []backend.Entry{
		{Value: []byte("hello"), Encoding: "text/plain", Timestamp: ts},
		{Value: []byte{}, Timestamp: ts},
		{Timestamp: ts, Deleted: true, Encoding: "text/plain"},
	} {
		rec, err := backend.AppendRecord(nil, e)
		if err != nil {
			t.Fatal(err)
		}
		v, err := backend.ViewRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		if string(v.Encoding) != e.Encoding || v.Timestamp != e.Timestamp || v.Deleted != e.Deleted || !bytes.Equal(v.Value, e.Value) {
			t.Errorf("view of %+v: %+v", e, v)
		}
		// The views are the record's bytes, and the encoding's capacity
		// ends where it does.
		if len(v.Value) > 0 && &v.Value[0] != &rec[len(rec)-len(v.Value)] {
			t.Error("the value is not a view of the record")
		}
		if cap(v.Encoding) != len(v.Encoding) {
			t.Errorf("encoding capacity %d, length %d", cap(v.Encoding), len(v.Encoding))
		}
		if n := testing.AllocsPerRun(10, func() { _, _ = backend.ViewRecord(rec) }); n != 0 {
			t.Errorf("ViewRecord allocates %v times", n)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	rec, _ := backend.AppendRecord(nil, backend.Entry{Value: []byte("v"), Encoding: "text/plain", Timestamp: hlc.Timestamp{Time: 1 << 36, ID: hlc.ID{3}}})
	f.Add(rec)
	f.Add([]byte{1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := backend.DecodeRecord(b, true)
		if err != nil {
			if !errors.Is(err, backend.ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		again, err := backend.AppendRecord(nil, e)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", again, b)
		}
	})
}
