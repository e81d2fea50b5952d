// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestTimestampString(t *testing.T) {
	tests := []struct {
		ts   Timestamp
		want string
	}{
		{Timestamp{Time: 100, ID: ID{1}}, "100/1"},
		{Timestamp{Time: 0, ID: ID{0, 1}}, "0/100"},
		{Timestamp{Time: 7301444403200000000, ID: ID{0xa1}}, "7301444403200000000/a1"},
		{Timestamp{Time: math.MaxUint64, ID: ID{15: 0xff}}, "18446744073709551615/ff" + strings.Repeat("0", 30)},
		{Timestamp{}, "0/0"},
	}
	for _, tt := range tests {
		if got := tt.ts.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		if got := string(tt.ts.AppendString([]byte("x="))); got != "x="+tt.want {
			t.Errorf("AppendString = %q, want %q", got, "x="+tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Timestamp
	}{
		{"0/1", Timestamp{Time: 0, ID: ID{1}}},
		{"100/1", Timestamp{Time: 100, ID: ID{1}}},
		{"100/100", Timestamp{Time: 100, ID: ID{0, 1}}},
		{"18446744073709551615/ffffffffffffffffffffffffffffffff", Timestamp{Time: math.MaxUint64, ID: ID{
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}},
		{"7301444403200000000/3c2b1a", Timestamp{Time: 7301444403200000000, ID: ID{0x1a, 0x2b, 0x3c}}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if s := got.String(); s != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, s)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		badID  bool   // also ErrInvalidID
		reason string // part of the message
	}{
		{"empty", "", false, "missing '/'"},
		{"missing slash", "100", false, "missing '/'"},
		{"id only", "a1", false, "missing '/'"},
		{"empty time", "/1", false, "empty time"},
		{"empty id", "100/", true, "empty ID"},
		{"slash only", "/", false, "empty time"},
		{"zero id", "100/0", true, "zero ID"},
		{"leading zero in id", "100/01", true, "leading zero"},
		{"leading zero in time", "0100/1", false, "leading zero"},
		{"zero time with zeros", "00/1", false, "leading zero"},
		{"uppercase id", "100/A1", true, "lowercase"},
		{"mixed case id", "100/aB", true, "lowercase"},
		{"id too long", "100/" + strings.Repeat("f", 33), true, "32 hex"},
		{"id too long with zeros", "100/1" + strings.Repeat("0", 32), true, "32 hex"},
		{"time overflow", "18446744073709551616/1", false, "overflows"},
		{"time far overflow", "99999999999999999999999/1", false, "overflows"},
		{"plus sign", "+100/1", false, "decimal"},
		{"minus sign", "-100/1", false, "decimal"},
		{"leading space", " 100/1", false, "decimal"},
		{"trailing space", "100/1 ", true, "lowercase"},
		{"space before slash", "100 /1", false, "decimal"},
		{"space after slash", "100/ 1", true, "lowercase"},
		{"newline", "100/1\n", true, "lowercase"},
		{"two slashes", "100/1/2", true, "lowercase"},
		{"hex time", "0x64/1", false, "leading zero"},
		{"hex digits in time", "1a/1", false, "decimal"},
		{"hex prefix in id", "100/0x1", true, "leading zero"},
		{"underscore", "1_000/1", false, "decimal"},
		{"stray unicode", "100/1é", true, "lowercase"},
		{"rfc3339", "2024-07-01T15:32:06Z/1", false, "decimal"},
		{"nul", "100/1\x00", true, "lowercase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := Parse(tt.in)
			if !errors.Is(err, ErrInvalidTimestamp) {
				t.Fatalf("Parse(%q) = %v, %v; want ErrInvalidTimestamp", tt.in, ts, err)
			}
			if got := errors.Is(err, ErrInvalidID); got != tt.badID {
				t.Errorf("errors.Is(%v, ErrInvalidID) = %v, want %v", err, got, tt.badID)
			}
			if !ts.IsZero() {
				t.Errorf("Parse(%q) returned non-zero %v with its error", tt.in, ts)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "hlc: invalid timestamp ") || !strings.Contains(msg, tt.reason) {
				t.Errorf("message %q: want prefix %q and %q", msg, "hlc: invalid timestamp ", tt.reason)
			}
		})
	}
}

func TestParseErrorTruncatesInput(t *testing.T) {
	_, err := Parse(strings.Repeat("9", 1000))
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error for a long input: %v", err)
	}
}

func TestStringParseRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 20000 {
		ts := randomTimestamp(r)
		if i%4 == 0 {
			ts.Time = NTP64(r.Uint64N(1000)) // short times, 0 included
		}
		s := ts.String()
		got, err := Parse(s)
		if err != nil || got != ts {
			t.Fatalf("Parse(%q) = %v, %v; want %v", s, got, err, ts)
		}
	}
}

func TestTimestampCompare(t *testing.T) {
	// Sorted: by time, then by ID in uhlc's byte order.
	sorted := []string{
		"0/1",
		"99/ffffffffffffffffffffffffffffffff",
		"100/100",
		"100/1", // after 100/100: byte 0 of 0x1 is 0x01, of 0x100 is 0x00
		"100/101",
		"100/ff",
		"101/100",
		"18446744073709551615/1",
	}
	for i := range sorted {
		for j := range sorted {
			a, b := mustParse(t, sorted[i]), mustParse(t, sorted[j])
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = +1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
}

func TestTimestampIsZero(t *testing.T) {
	tests := []struct {
		ts   Timestamp
		want bool
	}{
		{Timestamp{}, true},
		{Timestamp{Time: 1}, false},
		{Timestamp{ID: ID{1}}, false},
	}
	for _, tt := range tests {
		if got := tt.ts.IsZero(); got != tt.want {
			t.Errorf("%v.IsZero() = %v, want %v", tt.ts, got, tt.want)
		}
	}
}

// randomTimestamp returns a valid timestamp with a random time and an ID of
// random length.
func randomTimestamp(r *rand.Rand) Timestamp {
	var ts Timestamp
	ts.Time = NTP64(r.Uint64())
	n := 1 + r.IntN(IDSize)
	for ts.ID.IsZero() {
		for i := range n {
			ts.ID[i] = byte(r.Uint32())
		}
	}
	return ts
}

func mustParse(t testing.TB, s string) Timestamp {
	t.Helper()
	ts, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
