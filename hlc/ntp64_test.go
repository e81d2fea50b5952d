// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestFromTime(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want NTP64
	}{
		{"epoch", time.Unix(0, 0), 0},
		{"one second", time.Unix(1, 0), 1 << 32},
		{"half second", time.Unix(0, 500_000_000), 1 << 31},
		{"one nanosecond", time.Unix(0, 1), 4},
		{"quarter past", time.Unix(1_700_000_000, 250_000_000), 1_700_000_000<<32 | 1<<30},
		{"before epoch", time.Unix(-1, 0), 0},
		{"just before epoch", time.Unix(0, -1), 0},
		{"far past", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"last second", time.Unix(math.MaxUint32, 0), math.MaxUint32 << 32},
		{"last nanosecond", time.Unix(math.MaxUint32, 999_999_999), math.MaxUint32<<32 | 0xFFFF_FFFB},
		{"end of range", time.Unix(math.MaxUint32+1, 0), math.MaxUint64},
		{"far future", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxUint64},
		{"other zone", time.Unix(1, 0).In(time.FixedZone("X", 3600)), 1 << 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromTime(tt.in); got != tt.want {
				t.Errorf("FromTime(%v) = %#x, want %#x", tt.in, uint64(got), uint64(tt.want))
			}
		})
	}
}

func TestNTP64Time(t *testing.T) {
	tests := []struct {
		in   NTP64
		want time.Time
	}{
		{0, time.Unix(0, 0)},
		{1, time.Unix(0, 1)}, // 233 ps rounds up
		{4, time.Unix(0, 1)},
		{5, time.Unix(0, 2)},
		{1 << 31, time.Unix(0, 500_000_000)},
		{1<<32 - 1, time.Unix(1, 0)}, // within 233 ps of the next second
		{1 << 32, time.Unix(1, 0)},
		{math.MaxUint64, time.Unix(math.MaxUint32+1, 0)},
	}
	for _, tt := range tests {
		got := tt.in.Time()
		if !got.Equal(tt.want) {
			t.Errorf("NTP64(%d).Time() = %v, want %v", uint64(tt.in), got, tt.want)
		}
		if got.Location() != time.UTC {
			t.Errorf("NTP64(%d).Time() is in %v, want UTC", uint64(tt.in), got.Location())
		}
		if d, want := tt.in.Duration(), tt.want.Sub(time.Unix(0, 0)); d != want {
			t.Errorf("NTP64(%d).Duration() = %v, want %v", uint64(tt.in), d, want)
		}
	}
}

// Every instant in range with nanosecond resolution survives a round trip
// through NTP64, because 2^32 fractions per second are finer than 10^9 ns.
func TestTimeRoundTrip(t *testing.T) {
	times := []time.Time{
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Unix(0, 999_999_999),
		time.Unix(1_700_000_000, 123_456_789),
		time.Date(2024, 7, 1, 15, 32, 6, 860_479_000, time.UTC),
		time.Unix(math.MaxUint32, 999_999_999),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		times = append(times, time.Unix(r.Int64N(math.MaxUint32+1), r.Int64N(1e9)))
	}
	for _, tm := range times {
		if got := FromTime(tm).Time(); !got.Equal(tm) {
			t.Fatalf("FromTime(%v).Time() = %v", tm, got)
		}
		d := tm.Sub(time.Unix(0, 0))
		if got := FromDuration(d); got != FromTime(tm) {
			t.Fatalf("FromDuration(%v) = %d, want FromTime = %d", d, got, FromTime(tm))
		}
		if got := FromDuration(d).Duration(); got != d {
			t.Fatalf("FromDuration(%v).Duration() = %v", d, got)
		}
	}
}

// The other way round, an NTP64 comes back within the 4 fraction units that
// share a nanosecond, never below itself.
func TestNTP64RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := []NTP64{0, 1, 3, 4, 5, 1<<32 - 1, 1 << 32, math.MaxUint32 << 32}
	for range 10000 {
		values = append(values, NTP64(r.Uint64N(math.MaxUint32<<32)))
	}
	for _, n := range values {
		got := FromTime(n.Time())
		if got < n || got-n > 4 {
			t.Fatalf("FromTime(NTP64(%d).Time()) = %d, want within [n, n+4]", n, got)
		}
	}
}

func TestFromDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want NTP64
	}{
		{0, 0},
		{-time.Second, 0},
		{math.MinInt64, 0},
		{time.Nanosecond, 4},
		{500 * time.Millisecond, 1 << 31},
		{10 * time.Second, 10 << 32},
		{math.MaxUint32 * time.Second, math.MaxUint32 << 32},
		{(math.MaxUint32 + 1) * time.Second, math.MaxUint64},
		{math.MaxInt64, math.MaxUint64},
	}
	for _, tt := range tests {
		if got := FromDuration(tt.in); got != tt.want {
			t.Errorf("FromDuration(%v) = %#x, want %#x", tt.in, uint64(got), uint64(tt.want))
		}
	}
	// Arithmetic as used by callers: ten seconds before an instant.
	now := FromTime(time.Unix(1_700_000_010, 0))
	if got, want := (now - FromDuration(10*time.Second)).Time(), time.Unix(1_700_000_000, 0); !got.Equal(want) {
		t.Errorf("now - 10s = %v, want %v", got, want)
	}
}
