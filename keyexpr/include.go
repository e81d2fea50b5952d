// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import "math/bits"

// Includes reports whether every key that o matches is also matched by k.
// It is reflexive, and false when either side is the zero KeyExpr. It does
// not allocate for expressions of up to 32 chunks and 15 '**', unless the
// search it runs when both sides hold '**' has to remember more than 64
// intermediate results, which takes contrived expressions.
func (k KeyExpr) Includes(o KeyExpr) bool {
	a, b := k.s, o.s
	switch {
	case a == "" || b == "":
		return false
	case a == b:
		return true
	case !isWild(b):
		return matchKey(a, b)
	case !isWild(a):
		return false // o matches infinitely many keys, k one
	}
	return includes(a, b)
}

// includes decides Includes for two canonical, wild expressions. While
// neither side starts (or ends) with '**', the first (last) chunk of a must
// include that of b; what is left in the middle is decided by a direct rule
// for the common shapes, and by includesSearch otherwise.
func includes(a, b string) bool {
	alo, ahi, blo, bhi, ok := trimEnds(a, b, chunkIncludes)
	if !ok {
		return false
	}
	switch {
	case blo >= bhi:
		return alo >= ahi || allAnyChunks(a[alo:ahi])
	case alo >= ahi:
		return false // b's rest matches at least one chunk
	case a[alo:ahi] == anyChunks:
		return !hasVerbatim(b[blo:bhi])
	case b[blo:bhi] == anyChunks:
		return false // a's rest is not '**', so it misses some sequence
	}
	return includesSearch(a[alo:ahi], b[blo:bhi])
}

// includesSearch decides whether the non-empty canonical chunk sequence a
// includes b, by looking for a key that b matches and a does not.
//
// Such a key can always be built from "generic" chunks: for a chunk of b, a
// chunk that it matches and that matches as few of a's chunk patterns as
// possible (its '$*' and '*' filled with text that appears nowhere in a).
// A generic chunk matches exactly those chunk patterns of a that include
// the chunk of b, so it drives the set of a's states (positions in a,
// tracked as a bitset) to a subset of what any other choice would give.
// Walking b with these sets is then deterministic, except at b's '**', which
// may stand for any number of generic '*' chunks: the search tries each
// count until the set stops changing, which takes at most len(a)+1 steps.
// Sets from which the rest of b was already shown to be included are
// remembered; any superset of them is included too.
//
// Inclusion of patterns with both one-chunk and many-chunk wildcards is
// coNP-hard in general, so the worst case is exponential in the number of
// '**' in b; for real expressions the sets are few.
func includesSearch(a, b string) bool {
	var aBuf, bBuf [32]string
	ac, bc := appendChunks(aBuf[:0], a), appendChunks(bBuf[:0], b)
	n := len(ac)
	w := (n + 1 + 63) / 64

	// The search is iterative so that its state can live on the stack. Each
	// frame stands for one '**' of b being tried with more and more generic
	// chunks, and owns four sets from base on: the set on entry, the current
	// set, and two scratch sets for walking b from there.
	type frame struct{ j, base, iter int }
	var frameBuf [16]frame
	var setBuf, provenBuf [64]uint64
	var provenAtBuf [64]int
	frames, sets := frameBuf[:0], setBuf[:0]
	proven, provenAt := provenBuf[:0], provenAtBuf[:0]

	sets = appendZeros(sets, 4*w) // root frame: only its scratch and current set are used
	frames = append(frames, frame{j: -1})
	setBit(sets[w:2*w], 0)
	closeStates(ac, sets[w:2*w])
	from, j := w, 0
	for {
		top := frames[len(frames)-1]
		x, y := top.base+2*w, top.base+3*w
		copy(sets[x:x+w], sets[from:from+w])
		for ; j < len(bc) && bc[j] != anyChunks; j++ {
			stepStates(ac, sets[y:y+w], sets[x:x+w], bc[j])
			if isEmpty(sets[y : y+w]) {
				return false
			}
			x, y = y, x
		}
		switch {
		case j == len(bc):
			if !hasBit(sets[x:x+w], n) {
				return false
			}
		case !isProven(sets[x:x+w], j, proven, provenAt):
			base := len(sets)
			sets = appendZeros(sets, 4*w)
			copy(sets[base:base+w], sets[x:x+w])
			copy(sets[base+w:base+2*w], sets[x:x+w])
			frames = append(frames, frame{j: j, base: base})
			from, j = base+w, j+1
			continue
		}
		// The rest of b holds from where the top frame last continued: give
		// its '**' one more generic chunk, or finish the frame.
		for {
			f := &frames[len(frames)-1]
			if f.j < 0 {
				return true
			}
			cur, next := f.base+w, f.base+2*w
			stepStates(ac, sets[next:next+w], sets[cur:cur+w], anyChunk)
			f.iter++
			if f.iter <= n+1 && !equalSets(sets[next:next+w], sets[cur:cur+w]) {
				copy(sets[cur:cur+w], sets[next:next+w])
				from, j = cur, f.j+1
				break
			}
			proven = append(proven, sets[f.base:f.base+w]...)
			provenAt = append(provenAt, f.j)
			sets = sets[:f.base]
			frames = frames[:len(frames)-1]
		}
	}
}

// stepStates sets dst to the states of a reached from the states in src by
// one generic chunk for b's chunk c (not '**'), see includesSearch.
func stepStates(a []string, dst, src []uint64, c string) {
	clear(dst)
	for wi, word := range src {
		for ; word != 0; word &= word - 1 {
			i := wi*64 + bits.TrailingZeros64(word)
			switch {
			case i == len(a):
			case a[i] == anyChunks:
				if !isVerbatim(c) {
					setBit(dst, i)
				}
			case chunkIncludes(a[i], c):
				setBit(dst, i+1)
			}
		}
	}
	closeStates(a, dst)
}

// closeStates adds to set the states reached by skipping a '**' of a.
func closeStates(a []string, set []uint64) {
	for i := range a {
		if a[i] == anyChunks && hasBit(set, i) {
			setBit(set, i+1)
		}
	}
}

// isProven reports whether one of the proven sets remembered for b's
// position j is a subset of set.
func isProven(set []uint64, j int, proven []uint64, provenAt []int) bool {
	w := len(set)
	for k, at := range provenAt {
		if at == j && isSubset(proven[k*w:(k+1)*w], set) {
			return true
		}
	}
	return false
}

// appendChunks appends the chunks of s to dst.
func appendChunks(dst []string, s string) []string {
	for i := 0; i < len(s); {
		c, next := nextChunk(s, i)
		dst = append(dst, c)
		i = next
	}
	return dst
}

func appendZeros(s []uint64, n int) []uint64 {
	for range n {
		s = append(s, 0)
	}
	return s
}

func equalSets(x, y []uint64) bool {
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func isSubset(x, y []uint64) bool {
	for i := range x {
		if x[i]&^y[i] != 0 {
			return false
		}
	}
	return true
}
