// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestRFC3339Format(t *testing.T) {
	tests := []struct {
		ts   Timestamp
		want string
	}{
		// The example of uhlc's Timestamp Display documentation prints
		// .860479000, but it predates uhlc's rounding of the fraction up
		// to the nanosecond (uhlc commit 594cad8, "Use div_ceil() in
		// subsec_nanos()"), which current uhlc does, and so do we.
		{Timestamp{Time: 7386690599959157260, ID: ID{0x33}}, "2024-07-01T15:32:06.860479001Z/33"},
		{Timestamp{Time: FromTime(time.Date(2024, 7, 1, 15, 32, 6, 860479000, time.UTC)), ID: ID{0x33}},
			"2024-07-01T15:32:06.860479000Z/33"},
		{Timestamp{Time: 0, ID: ID{1}}, "1970-01-01T00:00:00.000000000Z/1"},
		{Timestamp{Time: 1, ID: ID{0, 1}}, "1970-01-01T00:00:00.000000001Z/100"},
		{Timestamp{Time: FromTime(time.Date(2024, 7, 1, 10, 0, 0, 123456789, time.UTC)), ID: ID{0xa1}},
			"2024-07-01T10:00:00.123456789Z/a1"},
		// The fraction rounds up to a whole second, and the largest NTP64
		// to the end of the range.
		{Timestamp{Time: 1<<32 - 1, ID: ID{2}}, "1970-01-01T00:00:01.000000000Z/2"},
		{Timestamp{Time: math.MaxUint64, ID: ID{2}}, "2106-02-07T06:28:16.000000000Z/2"},
	}
	for _, tt := range tests {
		if got := tt.ts.RFC3339(); got != tt.want {
			t.Errorf("%v.RFC3339() = %q, want %q", tt.ts, got, tt.want)
		}
		if got := string(tt.ts.AppendRFC3339([]byte("x="))); got != "x="+tt.want {
			t.Errorf("AppendRFC3339 = %q", got)
		}
		if got, want := tt.ts.Time.RFC3339(), tt.want[:rfc3339Len]; got != want {
			t.Errorf("NTP64(%d).RFC3339() = %q, want %q", tt.ts.Time, got, want)
		}
		back, err := ParseRFC3339(tt.want)
		if err != nil || back.ID != tt.ts.ID || back.RFC3339() != tt.want {
			t.Errorf("ParseRFC3339(%q) = %v, %v", tt.want, back, err)
		}
	}
}

func TestRFC3339RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 100000 {
		n := NTP64(r.Uint64())
		if i%4 == 0 { // near the ends of seconds, where the fraction rounds up
			n |= 1<<32 - 1 - NTP64(r.IntN(16))
		}
		s := n.RFC3339()
		m, err := ParseNTP64RFC3339(s)
		if err != nil {
			t.Fatalf("ParseNTP64RFC3339(%q) of %d: %v", s, n, err)
		}
		if m < n || m-n > 4 || m.RFC3339() != s {
			t.Fatalf("%d -> %q -> %d -> %q", n, s, m, m.RFC3339())
		}
		// The exact time of a whole nanosecond comes back exactly.
		if tm := m.Time(); FromTime(tm) != m {
			t.Fatalf("%d: FromTime(%v) = %d", m, tm, FromTime(tm))
		}
	}
}

func TestRFC3339AppendAllocs(t *testing.T) {
	ts := Timestamp{Time: 7386690599959157260, ID: ID{0x33}}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = ts.AppendRFC3339(buf[:0]) }); n != 0 {
		t.Errorf("AppendRFC3339 allocates %v times", n)
	}
}

func TestParseRFC3339Invalid(t *testing.T) {
	tests := []struct {
		in     string
		wantID bool // the ID part is at fault
	}{
		{"", false},
		{"2024-07-01T10:00:00.123456789Z", false},  // no ID
		{"2024-07-01T10:00:00.123456789Z/", true},  // empty ID
		{"2024-07-01T10:00:00.123456789Z/0", true}, // zero ID
		{"2024-07-01T10:00:00.123456789Z/01", true},
		{"2024-07-01T10:00:00.123456789Z/A1", true},
		{"2024-07-01T10:00:00Z/a1", false},        // uhlc always prints nine digits
		{"2024-07-01T10:00:00.123456Z/a1", false}, // so does this parser want them
		{"2024-07-01T10:00:00.1234567890Z/a1", false},
		{"2024-07-01t10:00:00.123456789Z/a1", false},
		{"2024-07-01T10:00:00.123456789z/a1", false},
		{"2024-07-01 10:00:00.123456789Z/a1", false},
		{"2024-07-01T10:00:00.123456789+00:00/a1", false},
		{"2024-13-01T10:00:00.123456789Z/a1", false},
		{"2024-00-01T10:00:00.123456789Z/a1", false},
		{"2023-02-29T10:00:00.123456789Z/a1", false},
		{"2024-04-31T10:00:00.123456789Z/a1", false},
		{"2024-07-00T10:00:00.123456789Z/a1", false},
		{"2024-07-01T24:00:00.000000000Z/a1", false},
		{"2024-07-01T10:60:00.000000000Z/a1", false},
		{"2016-12-31T23:59:60.000000000Z/a1", false}, // leap second
		{"1969-12-31T23:59:59.999999999Z/a1", false}, // before the epoch
		{"2106-02-07T06:28:16.000000001Z/a1", false}, // after the range
		{"9999-12-31T23:59:59.999999999Z/a1", false},
		{"+024-07-01T10:00:00.123456789Z/a1", false},
		{"2024-07-01T10:00:00.12345678xZ/a1", false},
	}
	for _, tt := range tests {
		ts, err := ParseRFC3339(tt.in)
		if err == nil {
			t.Errorf("ParseRFC3339(%q) accepted it as %v", tt.in, ts)
			continue
		}
		if !errors.Is(err, ErrInvalidTimestamp) || errors.Is(err, ErrInvalidID) != tt.wantID {
			t.Errorf("ParseRFC3339(%q): error %v", tt.in, err)
		}
	}
	// The ends of the range are valid.
	for _, s := range []string{"1970-01-01T00:00:00.000000000Z/1", "2106-02-07T06:28:16.000000000Z/1", "2024-02-29T23:59:59.999999999Z/1"} {
		if ts, err := ParseRFC3339(s); err != nil || ts.RFC3339() != s {
			t.Errorf("ParseRFC3339(%q) = %v, %v", s, ts, err)
		}
	}
	if _, err := ParseNTP64RFC3339("2024-07-01T10:00:00.123456789Z/1"); !errors.Is(err, ErrInvalidTimestamp) {
		t.Errorf("ParseNTP64RFC3339 accepted an ID: %v", err)
	}
}
