// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"math"
	"time"
)

// NTP64 is a point in time or a duration in the 64-bit NTP format: a 32.32
// fixed-point number of seconds, the high 32 bits holding whole seconds and
// the low 32 bits the fraction of a second (units of 2^-32 s, about 233 ps).
// Unlike NTP, and like Zenoh's uhlc, the epoch is the UNIX epoch
// (1970-01-01T00:00:00Z), so the range ends early in 2106.
//
// In a Timestamp issued by a Clock, the low 4 bits (CounterMask) hold a
// logical counter instead of physical time.
//
// An NTP64 is a plain value, safe for concurrent use. Values compare and
// subtract as integers.
type NTP64 uint64

// CounterMask selects the bits of an NTP64 that a Clock uses as its logical
// counter: 16 values, a granularity of about 3.7 ns of physical time.
const CounterMask NTP64 = 0xF

const (
	fracPerSec = 1 << 32
	nanoPerSec = uint64(time.Second)
	maxSeconds = math.MaxUint32
)

// FromTime converts t to an NTP64 relative to the UNIX epoch, rounding the
// sub-second part down to a multiple of 2^-32 s, as uhlc does. Times before
// the epoch give 0; times after the end of the range (2106-02-07T06:28:16Z)
// give the largest NTP64.
func FromTime(t time.Time) NTP64 {
	sec := t.Unix()
	switch {
	case sec < 0:
		return 0
	case sec > maxSeconds:
		return math.MaxUint64
	}
	return fromParts(uint64(sec), uint64(t.Nanosecond()))
}

// FromDuration converts d to a 32.32 number of seconds, for arithmetic on
// NTP64 values such as now - FromDuration(10*time.Second). Negative
// durations give 0; durations beyond the range (about 136 years) give the
// largest NTP64.
func FromDuration(d time.Duration) NTP64 {
	if d < 0 {
		return 0
	}
	sec := uint64(d) / nanoPerSec
	if sec > maxSeconds {
		return math.MaxUint64
	}
	return fromParts(sec, uint64(d)%nanoPerSec)
}

// fromParts assembles whole seconds (at most maxSeconds) and nanoseconds
// (less than a second); ns<<32 stays below 2^62.
func fromParts(sec, ns uint64) NTP64 {
	return NTP64(sec<<32 | ns<<32/nanoPerSec)
}

// Time returns n as a time in UTC, taking n relative to the UNIX epoch. The
// fraction is rounded up to the nanosecond, so that FromTime(t).Time()
// equals t for every t in range with a whole number of nanoseconds.
func (n NTP64) Time() time.Time {
	return time.Unix(int64(n.seconds()), int64(n.subsecNanos())).UTC()
}

// Duration returns n as a duration (for an instant, the time elapsed since
// the UNIX epoch), with the fraction rounded up to the nanosecond like Time.
// Every NTP64 fits: the range is about 136 years, a Duration's 292.
func (n NTP64) Duration() time.Duration {
	return time.Duration(n.seconds()*nanoPerSec + n.subsecNanos())
}

func (n NTP64) seconds() uint64 { return uint64(n) >> 32 }

// subsecNanos converts the fraction to nanoseconds, rounding up (uhlc's
// div_ceil). The result may be a full second for fractions within 233 ps of
// the next second.
func (n NTP64) subsecNanos() uint64 {
	frac := uint64(n) & (fracPerSec - 1)
	return (frac*nanoPerSec + fracPerSec - 1) >> 32
}
