// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

// A listing conveys the few events of a node that differ, but lists them
// all: in a crowded sub-interval, a hash bucket of about 50 events that
// holds one difference costs a listing of 50 events to convey it. So a
// requester that expects a node to be listed sends with it the short
// hashes of its own events there, and the responder lists only its
// events whose short hash is not among them: those the requester lacks,
// or holds in another version. That is all a pull needs.
//
// A short hash is 32 bits of the event hash mixed with the reference L,
// so that two events whose short hashes collide at one reference do not
// at the next; the request carries them compactly (riceset.go). The
// event hash is keyed when Options.Secret is set, so nobody without the
// secret can choose events whose short hashes collide.

// shortHash is the short hash of an event whose hash is h, at reference L.
func shortHash(h uint64, L int64) uint32 {
	// The finalizer of SplitMix64 (a bijection of 64 bits), after
	// mixing in the reference.
	x := h ^ uint64(L)*0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return uint32(x >> 32)
}

// haveMin is the fewest events of its own a requester has in a node to
// send their short hashes: one event costs about as much listed as its
// short hash does.
const haveMin = 2

// shortHashes returns the set of the short hashes of the log's events in
// n at reference L (riceSet), or nil when n holds fewer than haveMin or
// more than leafLimit(n) of them (a node that the peer would not list).
func (l *eventLog) shortHashes(n node, L int64) []uint32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, count := l.nodeSumsLocked(n, L); count < haveMin || count > leafLimit(n) {
		return nil
	}
	out := make([]uint32, 0, leafLimit(n))
	l.forEachLocked(n, L, func(_ int64, e *entry, h uint64) {
		if h == 0 {
			h = l.hashOf(e)
		}
		out = append(out, shortHash(h, L))
	})
	return riceSet(out)
}

// exploreExcept answers about n at reference L as explore does, in at most
// maxBytes, but lists only the events whose short hash is not in the set
// have (riceSet): a node that is listed when the requester sent its
// short hashes. A node too large to list is answered with its children, as by
// explore.
func (l *eventLog) exploreExcept(n node, L int64, have []uint32, maxBytes int) answer {
	if len(have) == 0 {
		return l.explore(n, L, maxBytes)
	}
	if evs, ok := l.listExcept(n, L, have); ok && leafSize(l.cfg, n, evs) <= maxBytes {
		return answer{leaf: true, events: evs}
	}
	return l.explore(n, L, maxBytes)
}

// listExcept returns the events of n at reference L whose short hash is
// not in the set have, in key order, or false when n holds more than leafLimit(n)
// events.
func (l *eventLog) listExcept(n node, L int64, have []uint32) ([]event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, count := l.nodeSumsLocked(n, L); count > leafLimit(n) {
		return nil, false
	}
	var evs []event
	l.forEachLocked(n, L, func(_ int64, e *entry, h uint64) {
		if h == 0 {
			h = l.hashOf(e)
		}
		if !riceHas(have, shortHash(h, L)) {
			evs = append(evs, l.eventOf(e))
		}
	})
	sortEvents(evs)
	return evs, true
}
