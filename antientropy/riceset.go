// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"slices"
)

// The short hashes that a compare request carries with a node (listing.go)
// go as a Golomb-coded set: the n short hashes of the requester's events
// are reduced to values in [0, n·2^riceBits), sorted, and the differences
// between consecutive values are written with a Rice code of parameter
// riceBits (the quotient in unary, then riceBits bits), about riceBits+2
// bits per event instead of 32. A responder's event whose short hash
// reduces to one of the values is taken as held by the requester: for an
// event the requester does not hold, that happens by chance once in
// 2^riceBits, and then only at this reference (short hashes change with
// it), so the next digest's alignment finds what this one missed.

const riceBits = 20

// riceValue reduces a short hash to [0, n·2^riceBits).
func riceValue(sh uint32, n int) uint32 {
	return uint32(uint64(sh) * uint64(n<<riceBits) >> 32)
}

// riceSet returns the sorted values of a set of short hashes, for n =
// len(shs), in [0, n·2^riceBits); two may be equal.
func riceSet(shs []uint32) []uint32 {
	out := make([]uint32, len(shs))
	for i, sh := range shs {
		out[i] = riceValue(sh, len(shs))
	}
	slices.Sort(out)
	return out
}

// riceHas reports whether the short hash sh reduces to one of the sorted
// values of set.
func riceHas(set []uint32, sh uint32) bool {
	_, found := slices.BinarySearch(set, riceValue(sh, len(set)))
	return found
}

// appendRice writes the count of the sorted values of set and their Rice
// code, padded with zero bits to a whole byte.
func appendRice(b []byte, set []uint32) []byte {
	b = binary.AppendUvarint(b, uint64(len(set)))
	var acc uint64 // bits not yet written, the first one highest
	var nacc uint
	put := func(v uint64, bits uint) {
		acc, nacc = acc<<bits|v, nacc+bits
		for nacc >= 8 {
			nacc -= 8
			b = append(b, byte(acc>>nacc))
		}
	}
	prev := uint32(0)
	for _, v := range set {
		d := v - prev
		for q := d >> riceBits; q > 0; q-- {
			put(1, 1)
		}
		put(0, 1)
		put(uint64(d&(1<<riceBits-1)), riceBits)
		prev = v
	}
	if nacc > 0 {
		put(0, 8-nacc)
	}
	return b
}

// readRice reads what appendRice wrote, strictly: at least minN and at
// most maxN values, each below n·2^riceBits, in order, and zero padding.
func readRice(r *reader, minN, maxN int) []uint32 {
	n := r.int(maxN)
	if r.err == nil && n < minN {
		r.fail("%d short hashes", n)
	}
	if r.err != nil {
		return nil
	}
	limit := uint64(n) << riceBits
	var acc byte
	var nacc uint // bits left in acc
	bit := func() uint64 {
		if nacc == 0 {
			acc, nacc = r.byte(), 8
		}
		nacc--
		return uint64(acc>>nacc) & 1
	}
	set := make([]uint32, 0, n)
	v := uint64(0)
	for range n {
		for bit() == 1 && r.err == nil {
			if v += 1 << riceBits; v >= limit {
				r.fail("short hash beyond %d", limit)
			}
		}
		rem := uint64(0)
		for range riceBits {
			rem = rem<<1 | bit()
		}
		if v += rem; v >= limit && r.err == nil {
			r.fail("short hash beyond %d", limit)
		}
		if r.err != nil {
			return nil
		}
		set = append(set, uint32(v))
	}
	if r.err == nil && nacc > 0 && acc&(1<<nacc-1) != 0 {
		r.fail("short hashes padded with ones")
	}
	if r.err != nil {
		return nil
	}
	return set
}
