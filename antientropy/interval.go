// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"time"

	"github.com/stratakv/strata/hlc"
)

// Time is cut into intervals of Options.Interval, numbered from the UNIX
// epoch, each cut into Options.SubIntervals sub-intervals, numbered the same
// way (sub-interval s belongs to interval s / SubIntervals). A digest is
// computed at a reference interval L, the last interval that elapsed at
// least PropagationDelay ago:
//
//	cold: intervals ≤ L-Hot-Warm   one fingerprint
//	warm: the Warm intervals after  one fingerprint each
//	hot:  the Hot intervals ≤ L     one fingerprint per sub-interval
//
// Events after interval L are in flight and not compared yet. Deletes
// leave the comparison (and the log) once their interval is at least
// expiry intervals before L, as the store forgets them after its
// tombstone lifespan; the rule depends only on L, so two replicas that
// compare at the same L agree on it whatever their clocks say.

// msOf converts an NTP64 time to milliseconds since the UNIX epoch,
// rounding down, after rounding the fraction up to whole nanoseconds as
// hlc does (so that times made by hlc.FromTime fall in their millisecond).
func msOf(t hlc.NTP64) int64 {
	sec, frac := uint64(t)>>32, uint64(t)&0xffffffff
	ns := (frac*1e9 + 1<<32 - 1) >> 32
	return int64(sec*1000 + ns/1e6)
}

// ntpOfMs returns the NTP64 time of millisecond ms (ms ≥ 0): msOf of it
// is ms. It is the base of time deltas in messages, nothing more.
func ntpOfMs(ms int64) hlc.NTP64 {
	return hlc.FromTime(time.UnixMilli(ms))
}

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (c *config) subOf(t hlc.NTP64) int64      { return msOf(t) / c.subMs }
func (c *config) intervalOf(t hlc.NTP64) int64 { return msOf(t) / c.intervalMs }
func (c *config) intervalOfSub(s int64) int64  { return s / int64(c.SubIntervals) }
func (c *config) firstSub(i int64) int64       { return i * int64(c.SubIntervals) }

// subStart and intervalStart are the first NTP64 times of a sub-interval
// and of an interval.
func (c *config) subStart(s int64) hlc.NTP64      { return ntpOfMs(max(s, 0) * c.subMs) }
func (c *config) intervalStart(i int64) hlc.NTP64 { return ntpOfMs(max(i, 0) * c.intervalMs) }

// reference returns the interval a digest computed at physical time now
// ends with: the last interval that ended at least PropagationDelay ago.
func (c *config) reference(now hlc.NTP64) int64 {
	return floorDiv(msOf(now)-c.delayMs, c.intervalMs) - 1
}

// era gives the bounds of the eras at reference L: the cold era is the
// intervals ≤ coldEnd, the warm era the intervals in (coldEnd, hotStart),
// the hot era the intervals in [hotStart, L].
type era struct {
	L, hotStart, coldEnd int64
}

func (c *config) eraAt(L int64) era {
	hot := L - int64(c.Hot) + 1
	return era{L: L, hotStart: hot, coldEnd: hot - int64(c.Warm) - 1}
}

// deletesCount reports whether the deletes of interval i still count at
// reference L.
func (c *config) deletesCount(i, L int64) bool { return i > L-c.expiry }
