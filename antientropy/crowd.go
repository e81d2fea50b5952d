// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"slices"
)

// A crowded sub-interval (crowdEvents events or more) is split by hash
// buckets, and hashing its events again for every bucket would cost a
// pass over all of them per bucket. Instead, the first pass that needs
// its hashes builds an index of its events sorted by hash, kept until the
// sub-interval changes: a bucket is then a range of the index, found by
// binary search, and the sums of a node's 64 child buckets cost one walk
// of the node's range. A write to the sub-interval marks its event dirty,
// and the next use merges the dirty events in. The index takes 16 bytes
// per event, for crowded sub-intervals that alignments touch only.

const crowdEvents = 1024

// hashRef is one event of a hash index.
type hashRef struct {
	h   uint64
	ref uint32
}

// hashIndex is the index of one crowded sub-interval: its events sorted
// by hash, and the events linked or unlinked since it was built.
type hashIndex struct {
	sorted []hashRef
	dirty  []uint32
}

// hashIndexLocked returns the hash index of sub-interval s, building or
// updating it if needed, or nil if s is not crowded. Events linked or
// unlinked since it was built are in b.dirty: an update hashes those only
// and merges them in, so that a write costs the next alignment O(n)
// copying, not n hashes.
func (l *eventLog) hashIndexLocked(s int64) []hashRef {
	from, to := l.cfg.subKey(s), l.cfg.subKey(s+1)
	all := l.rangeSums(from, to)
	n := int(all.nPut + all.nDel)
	x := l.crowded[s]
	if n < crowdEvents {
		delete(l.crowded, s)
		return nil
	}
	switch {
	case x == nil:
		idx := make([]hashRef, 0, n)
		l.time.ascendRange(from, to, nil, func(ref uint32) bool {
			idx = append(idx, hashRef{h: l.at(ref).hash, ref: ref})
			return true
		})
		slices.SortFunc(idx, compareHashRefs)
		x = &hashIndex{sorted: idx}
		l.crowded[s] = x
	case len(x.dirty) > 0:
		dirty := make(map[uint32]bool, len(x.dirty))
		for _, ref := range x.dirty {
			dirty[ref] = true
		}
		var added []hashRef
		for ref := range dirty {
			if e := l.at(ref); e.key != "" && l.cfg.subOf(e.time) == s {
				added = append(added, hashRef{h: e.hash, ref: ref})
			}
		}
		slices.SortFunc(added, compareHashRefs)
		idx := make([]hashRef, 0, n)
		i := 0
		for _, hr := range x.sorted {
			if dirty[hr.ref] {
				continue
			}
			for i < len(added) && compareHashRefs(added[i], hr) < 0 {
				idx = append(idx, added[i])
				i++
			}
			idx = append(idx, hr)
		}
		x.sorted = append(idx, added[i:]...)
	}
	x.dirty = x.dirty[:0]
	return x.sorted
}

// touch records that ref was linked to or unlinked from sub-interval s.
func (l *eventLog) touch(s int64, ref uint32) {
	x := l.crowded[s]
	if x == nil {
		return
	}
	if x.dirty = append(x.dirty, ref); len(x.dirty) > len(x.sorted)/4 {
		delete(l.crowded, s) // rebuilding costs less
	}
}

func compareHashRefs(x, y hashRef) int {
	switch {
	case x.h < y.h:
		return -1
	case x.h > y.h:
		return 1
	case x.ref < y.ref:
		return -1
	case x.ref > y.ref:
		return 1
	}
	return 0
}

// bucketRange returns the part of a hash index whose hashes start with the
// bits of n.
func bucketRange(idx []hashRef, n node) []hashRef {
	if n.bits == 0 {
		return idx
	}
	lo := n.prefix << (64 - n.bits)
	i, _ := slices.BinarySearchFunc(idx, lo, func(x hashRef, t uint64) int {
		if x.h < t {
			return -1
		}
		if x.h > t {
			return 1
		}
		return 0
	})
	j := i
	for j < len(idx) && n.matches(idx[j].h) {
		j++
	}
	return idx[i:j]
}

// bucketSums returns the fingerprints and counts at reference L of the
// 1<<hashBits child buckets of the sub-interval node n (a sub-interval or
// a bucket of one), in one pass.
func (l *eventLog) bucketSums(n node, L int64) (fps [1 << hashBits]fingerprint, counts [1 << hashBits]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucketSumsLocked(n, L)
}

func (l *eventLog) bucketSumsLocked(n node, L int64) (fps [1 << hashBits]fingerprint, counts [1 << hashBits]int) {
	l.forEachInSubLocked(n, L, func(_ int64, _ *entry, h uint64) {
		j := h << n.bits >> (64 - hashBits)
		fps[j] += h
		counts[j]++
	}, true)
	return fps, counts
}

// forEachInSubLocked calls fn with the events of sub-interval node n (a
// bucket if n.bits > 0; then with their hashes) that count at reference
// L, from the hash index if the sub-interval is crowded.
func (l *eventLog) forEachInSubLocked(n node, L int64, fn func(s int64, e *entry, h uint64), wantHash bool) {
	s := n.lo
	dels := l.cfg.deletesCount(l.cfg.intervalOfSub(s), L)
	if wantHash || n.bits > 0 {
		if idx := l.hashIndexLocked(s); idx != nil {
			for _, hr := range bucketRange(idx, n) {
				e := l.at(hr.ref)
				if !dels && e.isDelete() {
					continue
				}
				fn(s, e, hr.h)
			}
			return
		}
	}
	l.time.ascendRange(l.cfg.subKey(s), l.cfg.subKey(s+1), nil, func(ref uint32) bool {
		if e := l.at(ref); (dels || !e.isDelete()) && n.matches(e.hash) {
			fn(s, e, e.hash)
		}
		return true
	})
}
