// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"errors"
	"strings"
	"testing"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

func TestMetadataRoundTrip(t *testing.T) {
	ts := hlc.Timestamp{Time: 7301444403200000000, ID: hlc.ID{0x2a}}
	for _, e := range []backend.Entry{
		{Encoding: "text/plain", Timestamp: ts},
		{Encoding: "", Timestamp: ts},
		{Encoding: "application/json;charset=utf-8", Timestamp: ts},
		{Encoding: " padded ", Timestamp: ts},
		{Encoding: "grüße/日本", Timestamp: ts},
		{Encoding: "ctl\x00\n", Timestamp: ts},
		{Encoding: "url:literal", Timestamp: ts},
		{Encoding: strings.Repeat("e", backend.MaxEncodingLen), Timestamp: ts},
		{Timestamp: ts, Deleted: true},
		{Encoding: "x"}, // zero timestamp
	} {
		for _, nonce := range []int{0, nonceSize} {
			um, ct := encodeMeta(e, nonce, 0)
			size := int64(nonce)
			if !e.Deleted {
				size += 3
			}
			m, err := decodeMeta(um, ct, size)
			if err != nil {
				t.Fatalf("%+v: %v", e, err)
			}
			if m.entry.Encoding != e.Encoding || m.entry.Timestamp != e.Timestamp || m.entry.Deleted != e.Deleted || m.nonce != nonce {
				t.Fatalf("round trip: %+v/%d became %+v/%d (metadata %v, content type %q)", e, nonce, m.entry, m.nonce, um, ct)
			}
		}
	}
}

func TestMetadataInline(t *testing.T) {
	ts := hlc.Timestamp{Time: 5, ID: hlc.ID{1}}
	for _, c := range []struct {
		value  string
		inline int
		want   bool
	}{
		{"abc", 1024, true},
		{"abc", 2, false},
		{"", 1024, true}, // empty: no metadata needed, the size says it
		{strings.Repeat("x", 1024), 1024, true},
		{strings.Repeat("x", 1500), 2000, false}, // over S3's 2 KB of metadata
	} {
		e := backend.Entry{Value: []byte(c.value), Encoding: "e", Timestamp: ts}
		um, ct := encodeMeta(e, 0, c.inline)
		if metadataSize(um) > maxUserMetadata {
			t.Fatalf("%d bytes of metadata", metadataSize(um))
		}
		m, err := decodeMeta(um, ct, int64(len(c.value)))
		if err != nil {
			t.Fatal(err)
		}
		v, ok, err := m.value()
		if err != nil || ok != c.want || ok && string(v) != c.value {
			t.Fatalf("%q inline %d: %q, %v, %v", c.value, c.inline, v, ok, err)
		}
	}
	// An inlined value that disagrees with the object's size is corrupt.
	um, ct := encodeMeta(backend.Entry{Value: []byte("abc"), Timestamp: ts}, 0, 1024)
	m, err := decodeMeta(um, ct, 4)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.value(); !errors.Is(err, backend.ErrCorrupt) {
		t.Fatalf("%v", err)
	}
}

func TestMetadataCaseInsensitive(t *testing.T) {
	m, err := decodeMeta(map[string]string{"strata-version": "1", "STRATA-TIMESTAMP": "5/a", "strata-deleted": "true"}, "x", 0)
	if err != nil || !m.entry.Deleted || m.entry.Timestamp.Time != 5 {
		t.Fatalf("%+v %v", m, err)
	}
}

func TestMetadataCorrupt(t *testing.T) {
	ok := map[string]string{metaVersion: "1", metaTimestamp: "5/a"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		um   map[string]string
		size int64
	}{
		{with(metaVersion, "2"), 0},
		{with(metaTimestamp, "nope"), 0},
		{with(metaTimestamp, ""), 0},
		{with(metaDeleted, "yes"), 0},
		{with(metaDeleted, "true"), 1}, // a tombstone with a value
		{with(metaNonce, "x"), 20},
		{with(metaNonce, "16"), 3}, // shorter than its nonce
		{with(metaEncoding, "raw:x"), 0},
		{with(metaEncoding, "url:%zz"), 0},
	}
	for _, c := range cases {
		if _, err := decodeMeta(c.um, "x", c.size); !errors.Is(err, backend.ErrCorrupt) {
			t.Errorf("%v (size %d): %v, want ErrCorrupt", c.um, c.size, err)
		}
	}
	if _, err := decodeMeta(map[string]string{}, "x", 0); !errors.Is(err, errForeign) {
		t.Errorf("no metadata: %v, want errForeign", err)
	}
}

func FuzzDecodeMeta(f *testing.F) {
	f.Add("1", "7301444403200000000/2a", "", "", "", "", "text/plain", int64(3))
	f.Add("1", "0", "true", "16", "url:", "", "x", int64(16))
	f.Add("1", "5/a", "", "", "", "YWJj", "", int64(3))
	f.Add("2", "", "maybe", "-1", "url:%zz", "!!", "", int64(-1))
	f.Fuzz(func(t *testing.T, version, ts, deleted, nonce, enc, inline, ct string, size int64) {
		um := map[string]string{}
		for k, v := range map[string]string{metaVersion: version, metaTimestamp: ts, metaDeleted: deleted,
			metaNonce: nonce, metaEncoding: enc, metaInline: inline} {
			if v != "" {
				um[k] = v
			}
		}
		m, err := decodeMeta(um, ct, size)
		if err != nil {
			if !errors.Is(err, backend.ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if v, ok, err := m.value(); ok && err == nil && !m.entry.Deleted && int64(len(v)) != size-int64(m.nonce) {
			t.Fatalf("inlined value of %d bytes for an object of %d with a nonce of %d", len(v), size, m.nonce)
		}
		// What decodes encodes to metadata that decodes the same.
		um2, ct2 := encodeMeta(m.entry, m.nonce, 0)
		m2, err := decodeMeta(um2, ct2, size)
		if err != nil || m2.entry.Encoding != m.entry.Encoding || m2.entry.Timestamp != m.entry.Timestamp || m2.entry.Deleted != m.entry.Deleted {
			t.Fatalf("%+v re-decodes as %+v, %v", m.entry, m2.entry, err)
		}
	})
}
