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
