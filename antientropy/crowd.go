// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"slices"
	"strings"

	"github.com/stratakv/strata/hlc"
)

// A crowded sub-interval (crowdEvents events or more) is split by hash
// buckets, and hashing its events again for every bucket would cost a
// pass over all of them per bucket. Instead, the first pass that needs
// its hashes builds an index of its events sorted by hash, kept until the
// sub-interval changes: a bucket is then a range of the index, found by
// binary search, and the sums of a node's 64 child buckets cost one walk
// of the node's range. Likewise, the first page of a pull that reaches a
// crowded sub-interval builds an index of its events sorted by key, the
// order of pages, so that each next page starts at its cursor by binary
// search instead of gathering the whole sub-interval again. A write to
// the sub-interval marks its event dirty, and the next use merges the
// dirty events in. The indices take 16 bytes (by hash) and 4 bytes (by
// key) per event, for crowded sub-intervals that alignments and pulls
// touch only.

const crowdEvents = 1024

// hashRef is one event of a hash index.
type hashRef struct {
	h   uint64
	ref uint32
}

// crowdIndex holds the indices of one crowded sub-interval, each nil
// until needed, and the events linked or unlinked since each was built.
type crowdIndex struct {
	byHash    []hashRef
	hashDirty []uint32
	byKey     []uint32
	keyDirty  []uint32
}

// crowdIndexLocked returns the indices of sub-interval s, and its
// bounds, or nil if s is not crowded.
func (l *eventLog) crowdIndexLocked(s int64) (x *crowdIndex, from, to tkey, n int) {
	from, to = l.cfg.subKey(s), l.cfg.subKey(s+1)
	all := l.rangeSums(from, to)
	if n = int(all.nPut + all.nDel); n < crowdEvents {
		delete(l.crowded, s)
		return nil, from, to, n
	}
	if x = l.crowded[s]; x == nil {
		x = &crowdIndex{}
		l.crowded[s] = x
	}
	return x, from, to, n
}

// hashIndexLocked returns the hash index of sub-interval s, building or
// updating it if needed, or nil if s is not crowded.
func (l *eventLog) hashIndexLocked(s int64) []hashRef {
	x, from, to, n := l.crowdIndexLocked(s)
	switch {
	case x == nil:
		return nil
	case x.byHash == nil:
		idx := make([]hashRef, 0, n)
		l.time.ascendRange(from, to, nil, func(ref uint32) bool {
			idx = append(idx, hashRef{h: l.at(ref).hash, ref: ref})
			return true
		})
		slices.SortFunc(idx, compareHashRefs)
		x.byHash = idx
	case len(x.hashDirty) > 0:
		x.byHash = mergeDirty(x.byHash, x.hashDirty, func(hr hashRef) uint32 { return hr.ref }, func(ref uint32) (hashRef, bool) {
			e := l.at(ref)
			return hashRef{h: e.hash, ref: ref}, e.key != "" && l.cfg.subOf(e.time) == s
		}, compareHashRefs)
	}
	x.hashDirty = x.hashDirty[:0]
	return x.byHash
}

// keyIndexLocked returns the events of sub-interval s sorted by key,
// building or updating the index if needed, or nil if s is not crowded.
func (l *eventLog) keyIndexLocked(s int64) []uint32 {
	x, from, to, n := l.crowdIndexLocked(s)
	byKey := func(a, b uint32) int { return strings.Compare(l.at(a).key, l.at(b).key) }
	switch {
	case x == nil:
		return nil
	case x.byKey == nil:
		idx := make([]uint32, 0, n)
		l.time.ascendRange(from, to, nil, func(ref uint32) bool {
			idx = append(idx, ref)
			return true
		})
		slices.SortFunc(idx, byKey)
		x.byKey = idx
	case len(x.keyDirty) > 0:
		x.byKey = mergeDirty(x.byKey, x.keyDirty, func(ref uint32) uint32 { return ref }, func(ref uint32) (uint32, bool) {
			e := l.at(ref)
			return ref, e.key != "" && l.cfg.subOf(e.time) == s
		}, byKey)
	}
	x.keyDirty = x.keyDirty[:0]
	return x.byKey
}

// mergeDirty returns sorted (in the order of cmp) without the elements
// of the dirty references, and with the elements that fresh gives for
// those still in the sub-interval, in order: a write costs the next use
// O(n) copying, not a new sort.
func mergeDirty[T any](sorted []T, dirty []uint32, refOf func(T) uint32, fresh func(uint32) (T, bool), cmp func(a, b T) int) []T {
	set := make(map[uint32]bool, len(dirty))
	for _, ref := range dirty {
		set[ref] = true
	}
	var added []T
	for ref := range set {
		if t, ok := fresh(ref); ok {
			added = append(added, t)
		}
	}
	slices.SortFunc(added, cmp)
	out := make([]T, 0, len(sorted)+len(added))
	i := 0
	for _, t := range sorted {
		if set[refOf(t)] {
			continue
		}
		for i < len(added) && cmp(added[i], t) < 0 {
			out = append(out, added[i])
			i++
		}
		out = append(out, t)
	}
	return append(out, added[i:]...)
}

// touch records that ref was linked to or unlinked from the sub-interval
// of time t, if that one is indexed. An index with many dirty events is
// dropped: building it again costs less than merging.
func (l *eventLog) touch(t hlc.NTP64, ref uint32) {
	if len(l.crowded) == 0 {
		return // most writes: nothing is indexed
	}
	s := l.cfg.subOf(t)
	x := l.crowded[s]
	if x == nil {
		return
	}
	if x.byHash != nil {
		if x.hashDirty = append(x.hashDirty, ref); len(x.hashDirty) > len(x.byHash)/4 {
			x.byHash, x.hashDirty = nil, nil
		}
	}
	if x.byKey != nil {
		if x.keyDirty = append(x.keyDirty, ref); len(x.keyDirty) > len(x.byKey)/4 {
			x.byKey, x.keyDirty = nil, nil
		}
	}
	if x.byHash == nil && x.byKey == nil {
		delete(l.crowded, s)
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
