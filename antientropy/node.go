// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"slices"
	"sort"
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
	if n.kind == nodeSub && n.bits > 0 {
		var fp fingerprint
		count := 0
		l.forEachInSubLocked(n, L, func(_ int64, _ *entry, h uint64) {
			fp += h
			count++
		}, true)
		return fp, count
	}
	from, to := l.spanKeys(n)
	return l.sumsAt(from, to, L)
}

// spanKeys returns the range of keys of the time index that holds the
// events of n (of every hash bucket, if n is one).
func (l *eventLog) spanKeys(n node) (tkey, tkey) {
	lo, hi := l.cfg.subSpan(n)
	return l.cfg.subKey(lo), l.cfg.subKey(hi + 1)
}

// forEachLocked calls fn with every event of n that counts at reference
// L, with its hash, in sub-interval order (unordered within one).
func (l *eventLog) forEachLocked(n node, L int64, fn func(s int64, e *entry, h uint64)) {
	if n.kind == nodeSub {
		l.forEachInSubLocked(n, L, fn, false)
		return
	}
	from, to := l.spanKeys(n)
	l.time.ascendRange(from, to, nil, func(ref uint32) bool {
		if e := l.at(ref); l.countsAt(e, L) {
			fn(l.cfg.subOf(e.time), e, e.hash)
		}
		return true
	})
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
		from, to := l.spanKeys(n)
		first, ok := l.nextSub(from, to)
		if last, _ := l.lastSub(to); ok && first == last {
			s := subNode(first)
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
				kids = append(kids, child{node: bucketNode(n, j), fp: fps[j], count: counts[j]})
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
		// The intervals of the range that hold events, in at most
		// rangeFanout runs of about as many events each.
		for _, g := range l.cutLocked(n.lo, n.hi, int64(l.cfg.SubIntervals), L, rangeFanout, false) {
			kids = append(kids, child{node: rangeNode(g.first, g.last), fp: g.fp, count: g.count})
		}
	}
	return answer{children: kids}
}

// subGroupsLocked cuts the sub-intervals lo..hi holding events at
// reference L into at most groups ranges of consecutive ones, of about
// as many events each, and returns them with their sums. With tile set,
// the ranges cover lo..hi whole, so that a peer's events anywhere in
// lo..hi fall in one of them (see cutLocked).
func (l *eventLog) subGroupsLocked(lo, hi, L int64, groups int, tile bool) []child {
	gs := l.cutLocked(lo, hi, 1, L, groups, tile)
	kids := make([]child, 0, len(gs))
	for _, g := range gs {
		kids = append(kids, child{node: subsNode(g.first, g.last), fp: g.fp, count: g.count})
	}
	return kids
}

// pageEvents lists up to limit events of n at reference L in page order:
// by sub-interval, then by key, starting after cursor c (a zero cursor
// starts at the beginning). Each event comes with its sub-interval, so
// the caller can resume after any of them. more says whether events are
// left after the last one returned. The log's mutex is held for one
// sub-interval at a time, and a page walks only the sub-intervals it
// takes: serving a page never holds up writes for long, nor costs the
// length of the history left.
func (l *eventLog) pageEvents(n node, L int64, c cursor, limit int) (evs []event, subs []int64, more bool) {
	from, to := l.cfg.subSpan(n)
	if c.started {
		from = max(from, c.sub)
	}
	var buf []event
	for from <= to {
		var s int64
		var ok bool
		s, buf, ok = l.nextSubEvents(n, L, from, to, c, buf[:0], limit-len(evs)+1)
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
// sub-interval; false if there is none. It appends all of them, in no
// order, or, from a crowded sub-interval, the first most in key order.
func (l *eventLog) nextSubEvents(n node, L, from, to int64, c cursor, buf []event, most int) (int64, []event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	end := l.cfg.subKey(to + 1)
	after := func(s int64, e *entry) bool { return !c.started || s > c.sub || e.key > c.key }
	if n.bits > 0 {
		// A hash bucket: its part of each sub-interval, from the hash
		// index if the sub-interval is crowded.
		for {
			s, ok := l.nextSub(l.cfg.subKey(from), end)
			if !ok {
				return 0, buf, false
			}
			l.forEachInSubLocked(node{kind: nodeSub, lo: s, hi: s, bits: n.bits, prefix: n.prefix}, L, func(_ int64, e *entry, _ uint64) {
				if after(s, e) {
					buf = append(buf, l.eventOf(e))
				}
			}, false)
			if len(buf) > 0 {
				return s, buf, true
			}
			from = s + 1
		}
	}
	for {
		// One walk of the time index, up to the end of the first
		// sub-interval that has events to give, unless that one is
		// crowded: its page then comes from its index by key.
		found, crowded, cur := int64(0), false, int64(-1)
		seen := 0
		l.time.ascendRange(l.cfg.subKey(from), end, nil, func(ref uint32) bool {
			e := l.at(ref)
			s := l.cfg.subOf(e.time)
			if s != cur {
				if len(buf) > 0 {
					return false
				}
				cur, seen = s, 0
				if x := l.crowded[s]; x != nil && x.byKey != nil {
					found, crowded = s, true
					return false
				}
			}
			if seen++; seen > crowdEvents {
				found, crowded = s, true
				return false
			}
			if l.countsAt(e, L) && after(s, e) {
				buf, found = append(buf, l.eventOf(e)), s
			}
			return true
		})
		if !crowded {
			return found, buf, len(buf) > 0
		}
		buf = l.keyPageLocked(found, L, c, buf[:0], most)
		if len(buf) > 0 {
			return found, buf, true
		}
		from = found + 1
	}
}

// keyPageLocked appends to buf up to most events of the crowded
// sub-interval s that count at reference L, in key order, after cursor c.
func (l *eventLog) keyPageLocked(s, L int64, c cursor, buf []event, most int) []event {
	idx := l.keyIndexLocked(s)
	i := 0
	if c.started && c.sub == s {
		i = sort.Search(len(idx), func(j int) bool { return l.at(idx[j]).key > c.key })
	}
	for ; i < len(idx) && len(buf) < most; i++ {
		if e := l.at(idx[i]); l.countsAt(e, L) {
			buf = append(buf, l.eventOf(e))
		}
	}
	return buf
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
