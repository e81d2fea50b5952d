// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func TestBinaryLayout(t *testing.T) {
	ts := Timestamp{Time: 0x0102030405060708, ID: ID{0xa1, 0xb2}}
	want := []byte{
		1, 2, 3, 4, 5, 6, 7, 8, // time, big-endian
		0xa1, 0xb2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ID as stored
	}
	got, err := ts.MarshalBinary()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("MarshalBinary() = %x, %v; want %x", got, err, want)
	}
	if len(got) != BinarySize {
		t.Errorf("len = %d, want BinarySize", len(got))
	}
	prefixed, err := ts.AppendBinary([]byte("key"))
	if err != nil || !bytes.Equal(prefixed, append([]byte("key"), want...)) {
		t.Errorf("AppendBinary(key) = %x, %v", prefixed, err)
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	inputs := []Timestamp{{}, {ID: ID{1}}, {Time: 1, ID: ID{15: 1}}}
	for range 10000 {
		inputs = append(inputs, randomTimestamp(r))
	}
	for _, ts := range inputs {
		b, err := ts.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary(%v): %v", ts, err)
		}
		var got Timestamp
		if err := got.UnmarshalBinary(b); err != nil || got != ts {
			t.Fatalf("UnmarshalBinary(%x) = %v, %v; want %v", b, got, err, ts)
		}
		got, rest, err := DecodeBinary(append(b, "tail"...))
		if err != nil || got != ts || string(rest) != "tail" {
			t.Fatalf("DecodeBinary(%x+tail) = %v, %q, %v; want %v", b, got, rest, err, ts)
		}
	}
}

// Bytewise order of encodings is Timestamp order, so encodings can be keys.
func TestBinaryOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	var tss []Timestamp
	for i := range 400 {
		ts := randomTimestamp(r)
		if i%2 == 0 {
			ts.Time = NTP64(r.Uint64N(4)) // many equal times, so IDs decide
		}
		if i%3 == 0 {
			ts.ID = ID{byte(r.Uint32() % 3), byte(r.Uint32() % 3), 1} // IDs sharing prefixes
		}
		tss = append(tss, ts)
	}
	tss = append(tss, mustParse(t, "100/1"), mustParse(t, "100/100"), Timestamp{})
	enc := make([][]byte, len(tss))
	for i, ts := range tss {
		enc[i], _ = ts.MarshalBinary()
	}
	for i := range tss {
		for j := range tss {
			if got, want := bytes.Compare(enc[i], enc[j]), tss[i].Compare(tss[j]); got != want {
				t.Fatalf("bytes.Compare(%v, %v) = %d, Compare = %d", tss[i], tss[j], got, want)
			}
		}
	}
}

func TestBinaryInvalid(t *testing.T) {
	bad := Timestamp{Time: 5}
	if b, err := bad.AppendBinary([]byte("x")); !errors.Is(err, ErrInvalidTimestamp) || string(b) != "x" {
		t.Errorf("AppendBinary(zero ID, time 5) = %x, %v; want x, ErrInvalidTimestamp", b, err)
	}
	if _, err := bad.MarshalBinary(); !errors.Is(err, ErrInvalidTimestamp) {
		t.Errorf("MarshalBinary(zero ID, time 5) error = %v", err)
	}

	zeroIDEncoding := append([]byte{0, 0, 0, 0, 0, 0, 0, 5}, make([]byte, 16)...)
	good, _ := Timestamp{Time: 9, ID: ID{1}}.MarshalBinary()
	tests := []struct {
		name string
		in   []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"one byte", []byte{1}},
		{"time only", good[:8]},
		{"one short", good[:23]},
		{"one long", append(good[:24:24], 0)},
		{"zero ID with time", zeroIDEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := Timestamp{Time: 77, ID: ID{7}}
			err := ts.UnmarshalBinary(tt.in)
			if !errors.Is(err, ErrInvalidTimestamp) {
				t.Errorf("UnmarshalBinary(%x) error = %v, want ErrInvalidTimestamp", tt.in, err)
			}
			if ts != (Timestamp{Time: 77, ID: ID{7}}) {
				t.Errorf("UnmarshalBinary changed its receiver to %v on error", ts)
			}
		})
	}
}

func TestDecodeBinaryShort(t *testing.T) {
	good, _ := Timestamp{Time: 9, ID: ID{1}}.MarshalBinary()
	for n := 0; n < BinarySize; n++ {
		in := good[:n]
		ts, rest, err := DecodeBinary(in)
		if !errors.Is(err, ErrInvalidTimestamp) || !ts.IsZero() || len(rest) != n {
			t.Errorf("DecodeBinary(%d bytes) = %v, %d bytes, %v", n, ts, len(rest), err)
		}
	}
	ts, rest, err := DecodeBinary(good)
	if err != nil || ts != (Timestamp{Time: 9, ID: ID{1}}) || len(rest) != 0 {
		t.Errorf("DecodeBinary(exact) = %v, %x, %v", ts, rest, err)
	}
	zeroIDEncoding := append([]byte{0, 0, 0, 0, 0, 0, 0, 5}, make([]byte, 20)...)
	if _, rest, err := DecodeBinary(zeroIDEncoding); !errors.Is(err, ErrInvalidTimestamp) || len(rest) != 28 {
		t.Errorf("DecodeBinary(zero ID with time) = %x, %v", rest, err)
	}
}
