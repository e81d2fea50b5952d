// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"bytes"
	"errors"
	"testing"
)

// Seeds shared by the fuzz targets, besides the corpus in testdata/fuzz.
var fuzzStrings = []string{
	"0/1", "100/1", "100/100", "7301444403200000000/a1",
	"18446744073709551615/ffffffffffffffffffffffffffffffff",
	"", "/", "100/", "/1", "100/0", "100/01", "0100/1", "100/A1",
	"18446744073709551616/1", "+1/1", " 1/1", "1/1/1",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidTimestamp) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrInvalidTimestamp", s, err)
			}
			return
		}
		if got := ts.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q", s, got)
		}
		if ts.ID.IsZero() {
			t.Fatalf("Parse(%q) returned the zero ID", s)
		}
	})
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "a1", "100", "ffffffffffffffffffffffffffffffff", "", "0", "01", "A", "g"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidID) {
				t.Fatalf("ParseID(%q) error %v does not wrap ErrInvalidID", s, err)
			}
			return
		}
		if got := id.String(); got != s || id.IsZero() {
			t.Fatalf("ParseID(%q) = %x, String() %q", s, id, got)
		}
	})
}

func FuzzUnmarshalBinary(f *testing.F) {
	addBinarySeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var ts Timestamp
		if err := ts.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, ErrInvalidTimestamp) {
				t.Fatalf("UnmarshalBinary(%x) error %v does not wrap ErrInvalidTimestamp", b, err)
			}
			return
		}
		enc, err := ts.MarshalBinary()
		if err != nil || !bytes.Equal(enc, b) {
			t.Fatalf("UnmarshalBinary(%x) = %v, re-encoded as %x, %v", b, ts, enc, err)
		}
	})
}

func FuzzDecodeBinary(f *testing.F) {
	addBinarySeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, rest, err := DecodeBinary(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidTimestamp) || !bytes.Equal(rest, b) {
				t.Fatalf("DecodeBinary(%x) = %x, %v; want b unchanged and ErrInvalidTimestamp", b, rest, err)
			}
			return
		}
		enc, err := ts.AppendBinary(nil)
		if err != nil || !bytes.Equal(append(enc, rest...), b) {
			t.Fatalf("DecodeBinary(%x) = %v, %x: re-encoded as %x, %v", b, ts, rest, enc, err)
		}
	})
}

func addBinarySeeds(f *testing.F) {
	for _, s := range fuzzStrings[:5] {
		ts, err := Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := ts.MarshalBinary()
		f.Add(b)
		f.Add(append(b, "tail"...))
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte{})
	f.Add(make([]byte, BinarySize))
}

// FuzzParseRFC3339 checks that ParseRFC3339 accepts exactly what
// Timestamp.RFC3339 produces: what it accepts formats back to the input.
func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{
		"2024-07-01T15:32:06.860479001Z/33", "1970-01-01T00:00:00.000000000Z/1",
		"2106-02-07T06:28:16.000000000Z/ffffffffffffffffffffffffffffffff",
		"2024-02-29T23:59:59.999999999Z/a1", "2023-02-29T10:00:00.000000000Z/a1",
		"2024-07-01T10:00:00Z/a1", "2024-07-01T10:00:00.123456789Z", "/", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseRFC3339(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidTimestamp) {
				t.Fatalf("ParseRFC3339(%q) error %v does not wrap ErrInvalidTimestamp", s, err)
			}
			return
		}
		if got := ts.RFC3339(); got != s {
			t.Fatalf("ParseRFC3339(%q).RFC3339() = %q", s, got)
		}
		if ts.ID.IsZero() {
			t.Fatalf("ParseRFC3339(%q) returned the zero ID", s)
		}
		// The exact form of the parsed value survives the text form.
		again, err := ParseRFC3339(ts.RFC3339())
		if err != nil || again != ts {
			t.Fatalf("ParseRFC3339(%q) twice: %v, %v", s, again, err)
		}
	})
}

// FuzzNTP64RFC3339 checks the text form of any NTP64: it parses back to a
// value at most 4 units later that prints the same.
func FuzzNTP64RFC3339(f *testing.F) {
	for _, n := range []uint64{0, 1, 1<<32 - 1, 7386690599959157260, 1<<64 - 1} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, u uint64) {
		n := NTP64(u)
		s := n.RFC3339()
		m, err := ParseNTP64RFC3339(s)
		if err != nil || m < n || m-n > 4 || m.RFC3339() != s {
			t.Fatalf("%d -> %q -> %d, %v", n, s, m, err)
		}
	})
}
