// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/stratakv/strata/hlc"
)

// A node is a set of events that alignment compares by fingerprint: a
// range of intervals, a range of sub-intervals, or a sub-interval,
// possibly narrowed to the events whose hash starts with given bits (to
// split a crowded sub-interval). Exploring a node yields its events when
// they are few, otherwise the fingerprints of its children: a range of
// many intervals splits into at most rangeFanout ranges, a single
// interval into its sub-intervals, a range of sub-intervals into at most
// subsFanout ranges of about as many events each, a sub-interval into
// hashFanout hash buckets.
type node struct {
	kind   nodeKind
	lo, hi int64  // nodeRange: intervals lo..hi; nodeSubs: sub-intervals lo..hi (lo < hi); nodeSub: sub-interval lo
	bits   uint8  // nodeSub: leading bits of the event hash fixed
	prefix uint64 // nodeSub: their value
}

type nodeKind uint8

const (
	nodeRange nodeKind = 1
	nodeSub   nodeKind = 2
	nodeSubs  nodeKind = 3
)

const (
	rangeFanout = 64 // children of a range of intervals, at most
	hashBits    = 6  // a crowded sub-interval splits into 1<<hashBits buckets
	maxHashBits = 60
	leafEvents  = 40 // a node with at most this many events is listed (twice as many for a hash bucket)
	subsFanout  = 32 // children of a range of sub-intervals, at most
)

// leafLimit is how many events a node may have to be listed: leafEvents,
// or twice as many in a hash bucket, so that two levels of buckets (one
// round trip with parts) reach a listing in a sub-interval of 200,000
// events.
func leafLimit(n node) int {
	if n.kind == nodeSub && n.bits > 0 {
		return 2 * leafEvents
	}
	return leafEvents
}

func rangeNode(lo, hi int64) node { return node{kind: nodeRange, lo: lo, hi: hi} }
func subNode(s int64) node        { return node{kind: nodeSub, lo: s, hi: s} }

// subsNode is the node of sub-intervals lo..hi: a sub-interval node when
// lo == hi.
func subsNode(lo, hi int64) node {
	if lo == hi {
		return subNode(lo)
	}
	return node{kind: nodeSubs, lo: lo, hi: hi}
}

// subSpan returns the first and last sub-intervals of a node that is not
// a hash bucket.
func (c *config) subSpan(n node) (int64, int64) {
	if n.kind == nodeRange {
		return c.firstSub(n.lo), c.firstSub(n.hi+1) - 1
	}
	return n.lo, n.hi
}

func (n node) matches(hash uint64) bool {
	return n.bits == 0 || hash>>(64-n.bits) == n.prefix
}

// start is the first time of the node, the base of its time deltas.
func (c *config) nodeStart(n node) hlc.NTP64 {
	if n.kind != nodeRange {
		return c.subStart(n.lo)
	}
	return c.intervalStart(n.lo)
}

// child is what a responder says of one child of an explored node.
type child struct {
	node  node
	fp    fingerprint
	count int
}

// answer is the reply about one explored node: its events, or the
// fingerprints of its non-empty children.
type answer struct {
	leaf     bool
	events   []event
	children []child
	// within, if set, is the one sub-interval of a larger node that holds
	// the responder's events: children are its hash buckets (the
	// requester need not look elsewhere in the node, since the responder
	// has nothing there to give).
	within *node
}

// parentOf is the node whose children a's children are: n, or the
// sub-interval within it.
func (a *answer) parentOf(n node) node {
	if a.within != nil {
		return *a.within
	}
	return n
}

// nodeSums returns the fingerprint and event count of n at reference L.
func (l *eventLog) nodeSums(n node, L int64) (fingerprint, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nodeSumsLocked(n, L)
}

func (l *eventLog) nodeSumsLocked(n node, L int64) (fingerprint, int) {
	var fp fingerprint
	count := 0
	if n.kind == nodeRange {
		l.intervals.ready()
		return l.intervals.rangeAt(l.cfg, n.lo, n.hi, L)
	}
	if n.kind == nodeSubs {
		iv := l.sortedIntervals()
		for k := lowerBound(iv, l.cfg.intervalOfSub(n.lo)); k < len(iv) && l.cfg.firstSub(iv[k]) <= n.hi; k++ {
			i := iv[k]
			if l.cfg.firstSub(i) >= n.lo && l.cfg.firstSub(i+1)-1 <= n.hi {
				f, c := l.intervals.sums[k].at(l.cfg, i, L)
				fp += f
				count += c
				continue
			}
			for s := max(n.lo, l.cfg.firstSub(i)); s < l.cfg.firstSub(i+1) && s <= n.hi; s++ {
				if b := l.subs[s]; b != nil {
					f, c := b.at(l.cfg, i, L)
					fp += f
					count += c
				}
			}
		}
		return fp, count
	}
	b := l.subs[n.lo]
	if b == nil {
		return 0, 0
	}
	i := l.cfg.intervalOfSub(n.lo)
	if n.bits == 0 {
		return b.at(l.cfg, i, L)
	}
	l.forEachLocked(n, L, func(_ int64, _ *entry, h uint64) {
		fp += h
		count++
	})
	return fp, count
}

func lowerBound(s []int64, v int64) int {
	i, _ := slices.BinarySearch(s, v)
	return i
}

// liveSubsLocked returns the sub-intervals from lo to hi that hold
// events, in order.
func (l *eventLog) liveSubsLocked(lo, hi int64) []int64 {
	var subs []int64
	iv := l.sortedIntervals()
	for k := lowerBound(iv, l.cfg.intervalOfSub(lo)); k < len(iv) && l.cfg.firstSub(iv[k]) <= hi; k++ {
		for s := max(lo, l.cfg.firstSub(iv[k])); s < l.cfg.firstSub(iv[k]+1) && s <= hi; s++ {
			if l.subs[s] != nil {
				subs = append(subs, s)
			}
		}
	}
	return subs
}

// forEachLocked calls fn with every event of n that counts at reference
// L, in sub-interval order (unordered within one), and its hash when n is
// a hash bucket (zero otherwise: hashing costs, unless the sub-interval
// is crowded and indexed by hash).
func (l *eventLog) forEachLocked(n node, L int64, fn func(s int64, e *entry, h uint64)) {
	if n.kind == nodeSub {
		l.forEachInSubLocked(n, L, fn, false)
		return
	}
	for _, s := range l.liveSubsLocked(l.cfg.subSpan(n)) {
		l.forEachInSubLocked(subNode(s), L, fn, false)
	}
}

// explore answers about n at reference L, as a responder, in at most
// maxBytes of reply: a node of few events is listed if the listing fits,
// otherwise split into children, down to one event or to hash buckets of
// maxHashBits bits. An event that does not fit even alone (a key longer
// than the limit) is left out of the listing and counted in tooLarge.
func (l *eventLog) explore(n node, L int64, maxBytes int) answer {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, count := l.nodeSumsLocked(n, L)
	unsplittable := count <= 1 || (n.kind == nodeSub && n.bits >= maxHashBits)
	if count <= leafLimit(n) || unsplittable {
		var evs []event
		l.forEachLocked(n, L, func(_ int64, e *entry, _ uint64) { evs = append(evs, l.eventOf(e)) })
		sortEvents(evs)
		if unsplittable || leafSize(l.cfg, n, evs) <= maxBytes {
			for unsplittable && len(evs) > 0 && leafSize(l.cfg, n, evs) > maxBytes {
				l.tooLarge.Add(1)
				evs = evs[:len(evs)-1]
			}
			return answer{leaf: true, events: evs}
		}
	}
	if n.kind != nodeSub {
		// All the events of a larger node in one crowded sub-interval:
		// answer with that sub-interval's hash buckets at once.
		if subs := l.liveSubsLocked(l.cfg.subSpan(n)); len(subs) == 1 {
			s := subNode(subs[0])
			a := l.childrenLocked(s, L)
			a.within = &s
			return a
		}
	}
	return l.childrenLocked(n, L)
}

// childrenLocked returns the answer about n at reference L that lists its
// non-empty children.
func (l *eventLog) childrenLocked(n node, L int64) answer {
	var kids []child
	switch {
	case n.kind == nodeSub:
		fps, counts := l.bucketSumsLocked(n, L)
		for j := range fps {
			if counts[j] > 0 {
				kids = append(kids, child{node: node{kind: nodeSub, lo: n.lo, hi: n.lo, bits: n.bits + hashBits, prefix: n.prefix<<hashBits | uint64(j)}, fp: fps[j], count: counts[j]})
			}
		}
	case n.kind == nodeSubs:
		kids = l.subGroupsLocked(n.lo, n.hi, L, subsFanout, false)
	case n.lo == n.hi:
		for s := l.cfg.firstSub(n.lo); s < l.cfg.firstSub(n.lo+1); s++ {
			if fp, c := l.nodeSumsLocked(subNode(s), L); c > 0 {
				kids = append(kids, child{node: subNode(s), fp: fp, count: c})
			}
		}
	default:
		// The non-empty intervals of the range, in at most rangeFanout
		// groups of consecutive ones.
		iv := l.sortedIntervals()
		first := lowerBound(iv, n.lo)
		last := first
		for last < len(iv) && iv[last] <= n.hi {
			last++
		}
		var live []int64
		for k, i := range iv[first:last] {
			if _, c := l.intervals.sums[first+k].at(l.cfg, i, L); c > 0 {
				live = append(live, i)
			}
		}
		groups := min(len(live), rangeFanout)
		for g := range groups {
			a, b := g*len(live)/groups, (g+1)*len(live)/groups
			kn := rangeNode(live[a], live[b-1])
			fp, c := l.nodeSumsLocked(kn, L)
			kids = append(kids, child{node: kn, fp: fp, count: c})
		}
	}
	return answer{children: kids}
}

// subGroupsLocked cuts the sub-intervals lo..hi holding events at
// reference L into at most groups ranges of consecutive ones, of about
// as many events each, and returns them with their sums. With tile set,
// the ranges cover lo..hi whole (the first starts at lo, each next one
// right after the previous, the last ends at hi), so that a peer's events
// anywhere in lo..hi fall in one of them. Intervals that hold less than
// half a group are taken whole, from their sums: the cost is in the
// number of intervals, not of sub-intervals.
func (l *eventLog) subGroupsLocked(lo, hi, L int64, groups int, tile bool) []child {
	type unit struct {
		first, last int64 // sub-intervals
		fp          fingerprint
		count       int
	}
	c := l.cfg
	iv := l.sortedIntervals()
	from := lowerBound(iv, c.intervalOfSub(lo))
	to := from
	total := 0
	for ; to < len(iv) && c.firstSub(iv[to]) <= hi; to++ {
		_, n := l.intervals.sums[to].at(c, iv[to], L)
		total += n
	}
	var units []unit
	for k, i := range iv[from:to] {
		first, last := c.firstSub(i), c.firstSub(i+1)-1
		fp, n := l.intervals.sums[from+k].at(c, i, L)
		if n == 0 {
			continue
		}
		if first >= lo && last <= hi && 2*n*groups <= total {
			units = append(units, unit{first, last, fp, n})
			continue
		}
		for s := max(first, lo); s <= min(last, hi); s++ {
			if b := l.subs[s]; b != nil {
				if fp, n := b.at(c, i, L); n > 0 {
					units = append(units, unit{s, s, fp, n})
				}
			}
		}
	}
	groups = min(groups, len(units))
	kids := make([]child, 0, groups)
	start, k, acc := lo, 0, 0
	for g := range groups {
		// Group g ends where the running count reaches (g+1)/groups of
		// the total, leaving one unit at least to each later group.
		goal := (g + 1) * total / groups
		kid := child{}
		first := units[k].first
		for {
			kid.fp += units[k].fp
			kid.count += units[k].count
			acc += units[k].count
			k++
			if k == len(units) || len(units)-k == groups-g-1 || (g < groups-1 && acc >= goal) {
				break
			}
		}
		last := units[k-1].last
		if tile {
			first = start
			if g == groups-1 {
				last = hi
			}
			start = last + 1
		}
		kid.node = subsNode(first, last)
		kids = append(kids, kid)
	}
	return kids
}

// pageEvents lists up to limit events of n at reference L in page order:
// by sub-interval, then by key, starting after cursor c (a zero cursor
// starts at the beginning). Each event comes with its sub-interval, so
// the caller can resume after any of them. more says whether events are
// left after the last one returned. The log's mutex is held for one
// sub-interval at a time, and a page walks only the intervals it takes:
// serving a page never holds up writes for long, nor costs the length of
// the history left.
func (l *eventLog) pageEvents(n node, L int64, c cursor, limit int) (evs []event, subs []int64, more bool) {
	from, to := l.cfg.subSpan(n)
	if c.started {
		from = max(from, c.sub)
	}
	var buf []event
	for from <= to {
		var s int64
		var ok bool
		s, buf, ok = l.nextSubEvents(n, L, from, to, c, buf[:0])
		if !ok {
			return evs, subs, false
		}
		sortEvents(buf)
		for _, ev := range buf {
			if len(evs) == limit {
				return evs, subs, true
			}
			evs = append(evs, ev)
			subs = append(subs, s)
		}
		from = s + 1
	}
	return evs, subs, false
}

// nextSubEvents appends to buf the events of n, in the first sub-interval
// from from to to that has some after cursor c, and returns that
// sub-interval; false if there is none.
func (l *eventLog) nextSubEvents(n node, L, from, to int64, c cursor, buf []event) (int64, []event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	iv := l.sortedIntervals()
	for k := lowerBound(iv, l.cfg.intervalOfSub(from)); k < len(iv) && l.cfg.firstSub(iv[k]) <= to; k++ {
		for s := max(from, l.cfg.firstSub(iv[k])); s < l.cfg.firstSub(iv[k]+1) && s <= to; s++ {
			if l.subs[s] == nil {
				continue
			}
			l.forEachLocked(node{kind: nodeSub, lo: s, hi: s, bits: n.bits, prefix: n.prefix}, L, func(_ int64, e *entry, _ uint64) {
				if !c.started || s > c.sub || e.key > c.key {
					buf = append(buf, l.eventOf(e))
				}
			})
			if len(buf) > 0 {
				return s, buf, true
			}
		}
	}
	return 0, buf, false
}

// leafSize is the size of a reply that lists evs as the answer about n.
func leafSize(c *config, n node, evs []event) int {
	x := exploreReply{cfg: c}
	x.appendAnswer(n, answer{leaf: true, events: evs})
	return headerSize + x.ids.size() + 2*binary.MaxVarintLen64 + len(x.body)
}

// cursor is a position in the page order of a node's events: after key
// in sub-interval sub.
type cursor struct {
	started bool
	sub     int64
	key     string
}

func sortEvents(evs []event) {
	slices.SortFunc(evs, func(a, b event) int { return strings.Compare(a.Key, b.Key) })
}
