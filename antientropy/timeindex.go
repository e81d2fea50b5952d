// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"math"
	"slices"

	"github.com/stratakv/strata/hlc"
)

// The log orders its events by time in a B+ tree whose inner nodes keep,
// for each child, the sums (fingerprints and counts) of the events below
// it. Any range of time is then a difference of two prefix sums, the
// event of a given rank is one descent, and an event costs the tree about
// 5 bytes (a reference in a leaf, plus its share of the inner nodes),
// however the events spread over time: where a map of sub-intervals took
// one record per non-empty sub-interval (and interval), about 90 bytes a
// key for sparse histories.

// tkey orders the events of the time index: by time, then by reference,
// so that every event has its own key.
type tkey struct {
	time hlc.NTP64
	ref  uint32
}

func (a tkey) less(b tkey) bool { return a.time < b.time || (a.time == b.time && a.ref < b.ref) }

// endKey is after every event's key.
var endKey = tkey{time: math.MaxUint64, ref: math.MaxUint32}

const (
	leafCap  = 64 // events per leaf, at most
	innerCap = 32 // children per inner node, at most
)

// tnode is a node of the time index: a leaf holds references of events
// in key order; an inner node holds children, with the sums of each and
// the greatest key below each.
type tnode struct {
	refs []uint32
	kids []*tnode
	sums []sums
	last []tkey
}

func (n *tnode) leaf() bool { return n.kids == nil }

func (n *tnode) size() int {
	if n.leaf() {
		return len(n.refs)
	}
	return len(n.kids)
}

// timeIndex is the tree; at returns the entry of a reference. Not safe
// for concurrent use.
type timeIndex struct {
	root *tnode
	at   func(uint32) *entry
}

func newTimeIndex(at func(uint32) *entry) timeIndex {
	return timeIndex{root: newLeaf(0), at: at}
}

func newLeaf(n int) *tnode { return &tnode{refs: make([]uint32, n, leafCap+1)} }

func (x *timeIndex) keyOf(ref uint32) tkey { return tkey{time: x.at(ref).time, ref: ref} }

// searchLeaf returns the position of the first reference of refs whose
// key is not less than k.
func (x *timeIndex) searchLeaf(refs []uint32, k tkey) int {
	lo, hi := 0, len(refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x.keyOf(refs[m]).less(k) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// searchInner returns the first child of n whose greatest key is not less
// than k (len(n.kids) if there is none): the children before it hold only
// keys less than k.
func searchInner(n *tnode, k tkey) int {
	lo, hi := 0, len(n.last)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n.last[m].less(k) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// summarize returns the sums of the events under n.
func (x *timeIndex) summarize(n *tnode) sums {
	var s sums
	if n.leaf() {
		for _, ref := range n.refs {
			s.addEntry(x.at(ref), +1)
		}
		return s
	}
	for k := range n.sums {
		s.plus(&n.sums[k])
	}
	return s
}

func (x *timeIndex) lastOf(n *tnode) tkey {
	if n.leaf() {
		return x.keyOf(n.refs[len(n.refs)-1])
	}
	return n.last[len(n.last)-1]
}

// insert adds the event ref, at its entry's time.
func (x *timeIndex) insert(ref uint32) {
	e := x.at(ref)
	if right := x.insertAt(x.root, tkey{time: e.time, ref: ref}, e); right != nil {
		left := x.root
		x.root = &tnode{
			kids: []*tnode{left, right},
			sums: []sums{x.summarize(left), x.summarize(right)},
			last: []tkey{x.lastOf(left), x.lastOf(right)},
		}
	}
}

// insertAt inserts the event of key k under n and returns the new right
// sibling of n if n split. A node that overflows because of an insert at
// its end (events mostly come in time order) keeps all but the last
// element, so that such a tree stays full.
func (x *timeIndex) insertAt(n *tnode, k tkey, e *entry) *tnode {
	if n.leaf() {
		i := x.searchLeaf(n.refs, k)
		n.refs = slices.Insert(n.refs, i, k.ref)
		if len(n.refs) <= leafCap {
			return nil
		}
		cut := splitPoint(len(n.refs), i)
		right := newLeaf(len(n.refs) - cut)
		copy(right.refs, n.refs[cut:])
		n.refs = n.refs[:cut]
		return right
	}
	i := min(searchInner(n, k), len(n.kids)-1)
	n.sums[i].addEntry(e, +1)
	if n.last[i].less(k) {
		n.last[i] = k
	}
	right := x.insertAt(n.kids[i], k, e)
	if right == nil {
		return nil
	}
	n.sums[i], n.last[i] = x.summarize(n.kids[i]), x.lastOf(n.kids[i])
	n.kids = slices.Insert(n.kids, i+1, right)
	n.sums = slices.Insert(n.sums, i+1, x.summarize(right))
	n.last = slices.Insert(n.last, i+1, x.lastOf(right))
	if len(n.kids) <= innerCap {
		return nil
	}
	cut := splitPoint(len(n.kids), i+1)
	r := &tnode{kids: slices.Clone(n.kids[cut:]), sums: slices.Clone(n.sums[cut:]), last: slices.Clone(n.last[cut:])}
	clear(n.kids[cut:])
	n.kids, n.sums, n.last = n.kids[:cut], n.sums[:cut], n.last[:cut]
	return r
}

// splitPoint is where a node of n elements that overflowed by an insert
// at position i splits.
func splitPoint(n, i int) int {
	if i == n-1 {
		return n - 1
	}
	return n / 2
}

// remove removes the event ref, which must be in the index at its
// entry's time.
func (x *timeIndex) remove(ref uint32) {
	e := x.at(ref)
	x.removeAt(x.root, tkey{time: e.time, ref: ref}, e)
	for !x.root.leaf() && len(x.root.kids) == 1 {
		x.root = x.root.kids[0]
	}
	if !x.root.leaf() && len(x.root.kids) == 0 {
		x.root = newLeaf(0)
	}
}

func (x *timeIndex) removeAt(n *tnode, k tkey, e *entry) {
	if n.leaf() {
		i := x.searchLeaf(n.refs, k)
		if i == len(n.refs) || n.refs[i] != k.ref {
			panic("antientropy: time index: removing an event it does not hold")
		}
		n.refs = slices.Delete(n.refs, i, i+1)
		return
	}
	i := searchInner(n, k)
	if i == len(n.kids) {
		panic("antientropy: time index: removing an event after its last")
	}
	n.sums[i].addEntry(e, -1)
	kid := n.kids[i]
	x.removeAt(kid, k, e)
	switch size := kid.size(); {
	case size == 0:
		n.kids = slices.Delete(n.kids, i, i+1)
		n.sums = slices.Delete(n.sums, i, i+1)
		n.last = slices.Delete(n.last, i, i+1)
	case size < capOf(kid)/4 && len(n.kids) > 1:
		if n.last[i] == k {
			n.last[i] = x.lastOf(kid)
		}
		x.rebalance(n, i)
	case n.last[i] == k:
		n.last[i] = x.lastOf(kid)
	}
}

func capOf(n *tnode) int {
	if n.leaf() {
		return leafCap
	}
	return innerCap
}

// rebalance merges the underfull child i of n with a neighbour, or, if
// both do not fit in one node, shares their elements evenly.
func (x *timeIndex) rebalance(n *tnode, i int) {
	a := i
	if i+1 == len(n.kids) {
		a = i - 1
	}
	b := a + 1
	left, right := n.kids[a], n.kids[b]
	if left.size()+right.size() <= capOf(left) {
		if left.leaf() {
			left.refs = append(left.refs, right.refs...)
		} else {
			left.kids = append(left.kids, right.kids...)
			left.sums = append(left.sums, right.sums...)
			left.last = append(left.last, right.last...)
		}
		n.sums[a], n.last[a] = x.summarize(left), x.lastOf(left)
		n.kids = slices.Delete(n.kids, b, b+1)
		n.sums = slices.Delete(n.sums, b, b+1)
		n.last = slices.Delete(n.last, b, b+1)
		return
	}
	half := (left.size() + right.size()) / 2
	if left.leaf() {
		left.refs, right.refs = share(left.refs, right.refs, half)
	} else {
		left.kids, right.kids = share(left.kids, right.kids, half)
		left.sums, right.sums = share(left.sums, right.sums, half)
		left.last, right.last = share(left.last, right.last, half)
	}
	n.sums[a], n.last[a] = x.summarize(left), x.lastOf(left)
	n.sums[b], n.last[b] = x.summarize(right), x.lastOf(right)
}

// share moves elements between two neighbours so that the left one has
// half of them, in place when their capacities allow (a leaf's always
// do).
func share[T any](left, right []T, half int) ([]T, []T) {
	if k := half - len(left); k > 0 {
		left = append(left, right[:k]...)
		n := copy(right, right[k:])
		clear(right[n:])
		return left, right[:n]
	}
	right = slices.Insert(right, 0, left[half:]...)
	clear(left[half:])
	return left[:half], right
}

// prefix returns the sums of the events whose keys are less than k.
func (x *timeIndex) prefix(k tkey) sums {
	var s sums
	n := x.root
	var whole *sums // the sums of n, when known
	for !n.leaf() {
		i := searchInner(n, k)
		for j := range i {
			s.plus(&n.sums[j])
		}
		if i == len(n.kids) {
			return s
		}
		n, whole = n.kids[i], &n.sums[i]
	}
	p := x.searchLeaf(n.refs, k)
	if whole != nil && p > len(n.refs)/2 {
		// Fewer entries to read from the end.
		s.plus(whole)
		for _, ref := range n.refs[p:] {
			s.addEntry(x.at(ref), -1)
		}
		return s
	}
	for _, ref := range n.refs[:p] {
		s.addEntry(x.at(ref), +1)
	}
	return s
}

// nth returns the event of rank r (from 0) in key order, counting puts
// only or every event; 0 if there are not that many.
func (x *timeIndex) nth(r int, putsOnly bool) uint32 {
	if r < 0 {
		return 0
	}
	n := x.root
	for !n.leaf() {
		i := 0
		for ; i < len(n.kids); i++ {
			c := int(n.sums[i].nPut)
			if !putsOnly {
				c += int(n.sums[i].nDel)
			}
			if r < c {
				break
			}
			r -= c
		}
		if i == len(n.kids) {
			return 0
		}
		n = n.kids[i]
	}
	for _, ref := range n.refs {
		if putsOnly && x.at(ref).isDelete() {
			continue
		}
		if r == 0 {
			return ref
		}
		r--
	}
	return 0
}

// ascend calls fn with the events whose keys are at least from, in key
// order, until fn returns false. Subtrees whose sums skip says to pass
// over are not visited (skip may be nil). fn must not change the index.
func (x *timeIndex) ascend(from tkey, skip func(*sums) bool, fn func(ref uint32) bool) {
	x.ascendIn(x.root, from, skip, fn)
}

func (x *timeIndex) ascendIn(n *tnode, from tkey, skip func(*sums) bool, fn func(uint32) bool) bool {
	if n.leaf() {
		for _, ref := range n.refs[x.searchLeaf(n.refs, from):] {
			if !fn(ref) {
				return false
			}
		}
		return true
	}
	for i := searchInner(n, from); i < len(n.kids); i++ {
		if skip != nil && skip(&n.sums[i]) {
			continue
		}
		if !x.ascendIn(n.kids[i], from, skip, fn) {
			return false
		}
	}
	return true
}

// ascendRange calls fn with the events whose keys are in [from, to), in
// key order, until fn returns false; skip is as for ascend.
func (x *timeIndex) ascendRange(from, to tkey, skip func(*sums) bool, fn func(ref uint32) bool) {
	x.ascend(from, skip, func(ref uint32) bool {
		return x.keyOf(ref).less(to) && fn(ref)
	})
}

// first returns the first event whose key is at least from, or 0.
func (x *timeIndex) first(from tkey) uint32 {
	var found uint32
	x.ascend(from, nil, func(ref uint32) bool {
		found = ref
		return false
	})
	return found
}
