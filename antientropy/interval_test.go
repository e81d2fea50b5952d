// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/hlc"
)

func testConfig(t testing.TB) *config {
	t.Helper()
	c := &config{Options: Options{Interval: 10 * time.Second, SubIntervals: 5, Hot: 6, Warm: 30, PropagationDelay: 250 * time.Millisecond, MaxMessageSize: DefaultMaxMessageSize}}
	c.intervalMs, c.subMs, c.delayMs, c.expiry = 10000, 2000, 250, 8640
	return c
}

func TestMillis(t *testing.T) {
	for _, ms := range []int64{0, 1, 999, 1000, 1001, 1767225600000, 1767225600001, 1767225609999} {
		n := ntpOfMs(ms)
		require.Equal(t, ms, msOf(n), "ms %d", ms)
	}
	require.Equal(t, int64(1767225600123), msOf(hlc.FromTime(time.UnixMilli(1767225600123))))
}

func TestEraArithmetic(t *testing.T) {
	c := testConfig(t)
	at := func(s string) hlc.NTP64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return hlc.FromTime(tm)
	}
	base := c.intervalOf(at("2026-01-01T00:00:00Z"))
	tests := []struct {
		now       string
		reference int64 // relative to base
	}{
		{"2026-01-01T00:00:00Z", -2},
		{"2026-01-01T00:00:00.249Z", -2},
		{"2026-01-01T00:00:00.250Z", -1}, // the interval before has ended 250 ms ago
		{"2026-01-01T00:00:09.999Z", -1},
		{"2026-01-01T00:00:10.249Z", -1},
		{"2026-01-01T00:00:10.250Z", 0},
		{"2026-01-01T00:01:00.300Z", 5},
	}
	for _, tt := range tests {
		require.Equal(t, base+tt.reference, c.reference(at(tt.now)), "now %s", tt.now)
	}
	e := c.eraAt(100)
	require.Equal(t, era{L: 100, hotStart: 95, coldEnd: 64}, e)
	require.Equal(t, int64(95*5), c.firstSub(e.hotStart))
	require.Equal(t, int64(19), c.intervalOfSub(99))
	require.Equal(t, int64(20), c.intervalOfSub(100))
	s := c.subOf(at("2026-01-01T00:00:03.999Z"))
	require.Equal(t, c.subOf(at("2026-01-01T00:00:02Z")), s)
	require.Equal(t, s+1, c.subOf(at("2026-01-01T00:00:04Z")))
	require.Equal(t, at("2026-01-01T00:00:02Z"), c.subStart(s))
	require.True(t, c.deletesCount(100-8639, 100))
	require.False(t, c.deletesCount(100-8640, 100))
}

func TestOptionsValidation(t *testing.T) {
	s := newTestStore(t, "v/**")
	bad := []Options{
		{Interval: 1500 * time.Microsecond},
		{Interval: 10 * time.Second, SubIntervals: 3},
		{PropagationDelay: 5 * time.Second},
		{Hot: -1},
		{MaxMessageSize: 100},
		{Warm: 10000, Hot: 1000, SubIntervals: 20},
	}
	for _, o := range bad {
		_, err := newConfig(s, &o)
		require.ErrorIs(t, err, ErrInvalidOptions, "%+v", o)
	}
	c, err := newConfig(s, nil)
	require.NoError(t, err)
	require.Equal(t, DefaultInterval, c.Interval)
	require.Equal(t, int64(2000), c.subMs)
	require.Equal(t, int64(8640), c.expiry)
	c2, _ := newConfig(s, &Options{Interval: 20 * time.Second})
	require.NotEqual(t, c.fp, c2.fp)
	c3, _ := newConfig(s, &Options{ID: "other", PropagationDelay: time.Second})
	require.Equal(t, c.fp, c3.fp, "ID and delay do not change the configuration")
}
