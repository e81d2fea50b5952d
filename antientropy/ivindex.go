// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"slices"
)

// intervalIndex holds the sums of the intervals that hold events, in two
// arrays sorted by interval number, with the sums of each block of
// ivBlock consecutive intervals: the sums of a range of intervals cost
// O(ivBlock + intervals/ivBlock) array reads, and an interval 32 bytes,
// where a map of records took about 50 and a read per interval. An
// interval created since the arrays were built waits in extra until the
// next query merges it in; an interval that empties stays, with zero
// sums, until then too.
type intervalIndex struct {
	nums    []int64 // interval numbers, ascending
	sums    []sums  // their sums
	block   []sums  // block[b] sums sums[b*ivBlock:(b+1)*ivBlock]
	extra   map[int64]*sums
	empties int // intervals of nums whose sums are zero
}

const ivBlock = 64

func newIntervalIndex() intervalIndex {
	return intervalIndex{extra: map[int64]*sums{}}
}

// find returns the index of interval i in nums, or -1.
func (x *intervalIndex) find(i int64) int {
	k, ok := slices.BinarySearch(x.nums, i)
	if !ok {
		return -1
	}
	return k
}

// add adds (sign +1) or removes (-1) an event of hash h in interval i.
func (x *intervalIndex) add(i int64, e *entry, h uint64, sign int) {
	if k := x.find(i); k >= 0 {
		s := &x.sums[k]
		wasEmpty := s.nPut+s.nDel == 0
		s.add(e, h, sign)
		x.block[k/ivBlock].add(e, h, sign)
		switch isEmpty := s.nPut+s.nDel == 0; {
		case isEmpty && !wasEmpty:
			x.empties++
		case !isEmpty && wasEmpty:
			x.empties--
		}
		return
	}
	s := x.extra[i]
	if s == nil {
		s = &sums{}
		x.extra[i] = s
	}
	s.add(e, h, sign)
	if s.nPut+s.nDel == 0 {
		delete(x.extra, i)
	}
}

// get returns the sums of interval i, or nil.
func (x *intervalIndex) get(i int64) *sums {
	if k := x.find(i); k >= 0 {
		return &x.sums[k]
	}
	return x.extra[i]
}

// ready merges extra into the arrays and drops empty intervals, if there
// are any; queries by index call it first.
func (x *intervalIndex) ready() {
	if len(x.extra) == 0 && x.empties*4 <= len(x.nums) {
		return
	}
	added := make([]int64, 0, len(x.extra))
	for i := range x.extra {
		added = append(added, i)
	}
	slices.Sort(added)
	n := len(x.nums) - x.empties + len(added)
	nums, all := make([]int64, 0, n), make([]sums, 0, n)
	j := 0
	for k, i := range x.nums {
		for j < len(added) && added[j] < i {
			nums, all = append(nums, added[j]), append(all, *x.extra[added[j]])
			j++
		}
		if s := x.sums[k]; s.nPut+s.nDel > 0 {
			nums, all = append(nums, i), append(all, s)
		}
	}
	for ; j < len(added); j++ {
		nums, all = append(nums, added[j]), append(all, *x.extra[added[j]])
	}
	x.nums, x.sums, x.empties = nums, all, 0
	x.extra = map[int64]*sums{} // a cleared map would keep its size

	x.block = make([]sums, (len(nums)+ivBlock-1)/ivBlock)
	for k := range all {
		b := &x.block[k/ivBlock]
		b.put += all[k].put
		b.del += all[k].del
		b.nPut += all[k].nPut
		b.nDel += all[k].nDel
	}
}

// total returns the sums of the intervals nums[a:b].
func (x *intervalIndex) total(a, b int) sums {
	var t sums
	plus := func(s *sums) {
		t.put += s.put
		t.del += s.del
		t.nPut += s.nPut
		t.nDel += s.nDel
	}
	for a < b && a%ivBlock != 0 {
		plus(&x.sums[a])
		a++
	}
	for a+ivBlock <= b {
		plus(&x.block[a/ivBlock])
		a += ivBlock
	}
	for ; a < b; a++ {
		plus(&x.sums[a])
	}
	return t
}

// rangeAt returns the fingerprint and count at reference L of the
// intervals lo..hi; ready must have been called.
func (x *intervalIndex) rangeAt(c *config, lo, hi, L int64) (fingerprint, int) {
	a, _ := slices.BinarySearch(x.nums, lo)
	b, _ := slices.BinarySearch(x.nums, hi+1)
	if a >= b {
		return 0, 0
	}
	// Deletes count in the intervals after L-expiry only.
	d, _ := slices.BinarySearch(x.nums, L-c.expiry+1)
	d = min(max(d, a), b)
	before, after := x.total(a, d), x.total(d, b)
	return before.put + after.put + after.del, int(before.nPut + after.nPut + after.nDel)
}
