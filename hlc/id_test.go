// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestNewID(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		str    string
		length int
	}{
		{"one byte", []byte{0x01}, "1", 1},
		{"high nibble", []byte{0xa1}, "a1", 1},
		{"little-endian", []byte{0x00, 0x01}, "100", 2},
		{"three bytes", []byte{0x1a, 0x2b, 0x3c}, "3c2b1a", 3},
		{"trailing zeros", []byte{0x01, 0x00, 0x00}, "1", 1},
		{"leading zero byte", []byte{0x00, 0x00, 0x0f}, "f0000", 3},
		{"sixteen bytes", bytes.Repeat([]byte{0xff}, 16), strings.Repeat("f", 32), 16},
		{"top byte only", append(make([]byte, 15), 0x10), "1" + strings.Repeat("0", 31), 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := NewID(tt.in)
			if err != nil {
				t.Fatalf("NewID(%x): %v", tt.in, err)
			}
			if got := id.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := id.Len(); got != tt.length {
				t.Errorf("Len() = %d, want %d", got, tt.length)
			}
			if id.IsZero() {
				t.Error("IsZero() = true")
			}
			back, err := ParseID(tt.str)
			if err != nil || back != id {
				t.Errorf("ParseID(%q) = %x, %v; want %x", tt.str, back, err, id)
			}
			again, err := NewID(id.Bytes())
			if err != nil || again != id {
				t.Errorf("NewID(Bytes()) = %x, %v; want %x", again, err, id)
			}
		})
	}
}

func TestNewIDInvalid(t *testing.T) {
	for _, in := range [][]byte{nil, {}, {0}, {0, 0, 0}, make([]byte, 16), make([]byte, 17), bytes.Repeat([]byte{1}, 17)} {
		id, err := NewID(in)
		if !errors.Is(err, ErrInvalidID) {
			t.Errorf("NewID(%x) = %x, %v; want ErrInvalidID", in, id, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "hlc: ") {
			t.Errorf("NewID(%x) error %q lacks the hlc: prefix", in, err)
		}
	}
}

func TestZeroID(t *testing.T) {
	var id ID
	if !id.IsZero() || id.Len() != 0 || id.String() != "0" || len(id.Bytes()) != 0 {
		t.Errorf("zero ID: IsZero %v, Len %d, String %q, Bytes %x", id.IsZero(), id.Len(), id.String(), id.Bytes())
	}
}

func TestRandomID(t *testing.T) {
	seen := make(map[ID]bool)
	for range 1000 {
		id := RandomID()
		if id.IsZero() {
			t.Fatal("RandomID returned the zero ID")
		}
		if seen[id] {
			t.Fatalf("RandomID repeated %v", id)
		}
		seen[id] = true
	}
}

func TestParseIDInvalid(t *testing.T) {
	tests := []string{
		"", "0", "00", "01", "0a",
		"A", "aB", "g", "-1", "+1", " 1", "1 ", "0x1", "1/", "é",
		strings.Repeat("f", 33),
		"1" + strings.Repeat("0", 32),
	}
	for _, s := range tests {
		if id, err := ParseID(s); !errors.Is(err, ErrInvalidID) {
			t.Errorf("ParseID(%q) = %x, %v; want ErrInvalidID", s, id, err)
		}
	}
}

func TestIDStringRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		var id ID
		n := 1 + r.IntN(IDSize)
		for i := range n {
			id[i] = byte(r.Uint32())
		}
		if id.IsZero() {
			continue
		}
		s := id.String()
		if s[0] == '0' || strings.ToLower(s) != s || len(s) > 32 {
			t.Fatalf("%x printed as non-canonical %q", id, s)
		}
		back, err := ParseID(s)
		if err != nil || back != id {
			t.Fatalf("ParseID(%q) = %x, %v; want %x", s, back, err, id)
		}
	}
}

func TestIDCompare(t *testing.T) {
	// Sorted in uhlc's order: byte 0 first, so numeric order does not hold.
	sorted := []string{
		"10000", // 0x00, 0x00, 0x01
		"100",   // 0x00, 0x01: after "10000" by byte 1
		"1",     // byte 0 is 0x01
		"101",   // 0x01, 0x01
		"a1",    // 0xa1
		"ff",    // 0xff
		"1ff",   // 0xff, 0x01
		"ffffffffffffffffffffffffffffffff",
	}
	ids := make([]ID, len(sorted))
	for i, s := range sorted {
		ids[i] = mustParseID(t, s)
	}
	for i := range ids {
		for j := range ids {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = +1
			}
			if got := ids[i].Compare(ids[j]); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", sorted[i], sorted[j], got, want)
			}
			if got := bytes.Compare(ids[i][:], ids[j][:]); got != want {
				t.Errorf("bytes.Compare(%s, %s) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
	shuffled := slices.Clone(ids)
	rand.New(rand.NewPCG(7, 8)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	slices.SortFunc(shuffled, ID.Compare)
	if !slices.Equal(shuffled, ids) {
		t.Errorf("sorted IDs = %v, want %v", shuffled, ids)
	}
}

func mustParseID(t testing.TB, s string) ID {
	t.Helper()
	id, err := ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
