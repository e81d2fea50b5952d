// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import "math"

// A span of sub-intervals (or of intervals, which are whole runs of them)
// is a range of keys of the time index: from the first key of its first
// sub-interval to the first key of the sub-interval after its last. The
// queries of nodes are built on these ranges; the log's mutex is held.

// subKey returns the first key of sub-interval s: the key of every event
// of s or later is at least subKey(s), the key of every earlier event is
// less. It is exact whatever the rounding between milliseconds and NTP64
// times, since it is found from subOf itself.
func (c *config) subKey(s int64) tkey {
	if s <= 0 {
		return tkey{}
	}
	if s > c.subOf(math.MaxUint64) {
		return endKey
	}
	t := c.subStart(s)
	for t > 0 && c.subOf(t-1) >= s {
		t--
	}
	for c.subOf(t) < s {
		t++
	}
	return tkey{time: t}
}

// unitKey returns the first key of unit u, sub-intervals if per is 1,
// intervals if per is SubIntervals.
func (c *config) unitKey(u, per int64) tkey { return c.subKey(u * per) }

// deleteKey returns the first key from which deletes count at reference
// L: those of the intervals after L-expiry.
func (l *eventLog) deleteKey(L int64) tkey {
	return l.cfg.subKey(l.cfg.firstSub(L - l.cfg.expiry + 1))
}

// rangeSums returns the sums of the events whose keys are in [from, to).
func (l *eventLog) rangeSums(from, to tkey) sums {
	if !from.less(to) {
		return sums{}
	}
	s := l.time.prefix(to)
	p := l.time.prefix(from)
	s.minus(&p)
	return s
}

// sumsAt returns the fingerprint and count at reference L of the events
// whose keys are in [from, to).
func (l *eventLog) sumsAt(from, to tkey, L int64) (fingerprint, int) {
	d := l.deleteKey(L)
	all := l.rangeSums(from, to)
	switch {
	case !d.less(to):
		return all.put, int(all.nPut)
	case !from.less(d):
		return all.put + all.del, int(all.nPut + all.nDel)
	}
	late := l.rangeSums(d, to)
	return all.put + late.del, int(all.nPut + late.nDel)
}

// countedBefore returns how many events that count at reference L have
// keys less than k.
func (l *eventLog) countedBefore(k tkey, L int64) int {
	p := l.time.prefix(k)
	n := int(p.nPut)
	if d := l.deleteKey(L); d.less(k) {
		pd := l.time.prefix(d)
		n += int(p.nDel - pd.nDel)
	}
	return n
}

// countedNth returns the event of rank r (from 0) among those that count
// at reference L, in key order, or 0: before the delete key, the puts;
// from it on, every event.
func (l *eventLog) countedNth(r int, L int64) uint32 {
	pd := l.time.prefix(l.deleteKey(L))
	if r < int(pd.nPut) {
		return l.time.nth(r, true)
	}
	return l.time.nth(int(pd.nPut+pd.nDel)+r-int(pd.nPut), false)
}

// countsAt reports whether the event e counts at reference L.
func (l *eventLog) countsAt(e *entry, L int64) bool {
	return !e.isDelete() || l.cfg.deletesCount(l.cfg.intervalOf(e.time), L)
}

// group is a run of consecutive units (sub-intervals or intervals) that
// cutLocked makes, with its sums at a reference.
type group struct {
	first, last int64
	fp          fingerprint
	count       int
}

// cutLocked cuts the units lo..hi (of per sub-intervals each) into at
// most groups runs of consecutive units of about as many events that
// count at reference L each, at unit bounds. Without tile, each run goes
// from the unit of its first event to the unit of its last one; with
// tile, the runs cover lo..hi whole (the first starts at lo, each next
// one right after the previous, the last ends at hi), so that a peer's
// events anywhere in lo..hi fall in one of them. It costs a few descents
// of the time index per run, however many units or events there are.
func (l *eventLog) cutLocked(lo, hi, per, L int64, groups int, tile bool) []group {
	c := l.cfg
	from, to := c.unitKey(lo, per), c.unitKey(hi+1, per)
	c0, c1 := l.countedBefore(from, L), l.countedBefore(to, L)
	total := c1 - c0
	if total <= 0 || groups <= 0 {
		return nil
	}
	groups = min(groups, total)
	unitOf := func(ref uint32) int64 { return c.subOf(l.at(ref).time) / per }
	lastUnit := unitOf(l.countedNth(c1-1, L)) // the last unit holding events
	out := make([]group, 0, groups)
	start, startRank, next := from, c0, lo
	for g := 0; g < groups && startRank < c1; g++ {
		goal := c0 + (g+1)*total/groups // the rank after the run's last event
		if goal <= startRank {
			continue
		}
		endUnit := hi + 1 // the unit after the run
		if g < groups-1 {
			endUnit = min(unitOf(l.countedNth(goal-1, L))+1, hi+1)
			if endUnit > lastUnit && unitOf(l.countedNth(startRank, L)) < lastUnit {
				// Leave the last unit that holds events to the next
				// runs rather than take them all in this one.
				endUnit = lastUnit
			}
		}
		end, endRank := to, c1
		if endUnit <= hi {
			end = c.unitKey(endUnit, per)
			endRank = l.countedBefore(end, L)
		}
		first, last := next, endUnit-1
		if !tile {
			first, last = unitOf(l.countedNth(startRank, L)), unitOf(l.countedNth(endRank-1, L))
		}
		fp, n := l.sumsAt(start, end, L)
		out = append(out, group{first: first, last: last, fp: fp, count: n})
		start, startRank, next = end, endRank, endUnit
	}
	if tile && len(out) > 0 {
		// The units after the last event hold nothing that counts.
		out[len(out)-1].last = hi
	}
	return out
}

// nextSub returns the sub-interval of the first event whose key is at
// least from and less than to, of any kind; false if there is none.
func (l *eventLog) nextSub(from, to tkey) (int64, bool) {
	ref := l.time.first(from)
	if ref == 0 {
		return 0, false
	}
	if !l.time.keyOf(ref).less(to) {
		return 0, false
	}
	return l.cfg.subOf(l.at(ref).time), true
}

// lastSub returns the sub-interval of the last event whose key is less
// than to, of any kind; false if there is none.
func (l *eventLog) lastSub(to tkey) (int64, bool) {
	p := l.time.prefix(to)
	ref := l.time.nth(int(p.nPut+p.nDel)-1, false)
	if ref == 0 {
		return 0, false
	}
	return l.cfg.subOf(l.at(ref).time), true
}
