// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

// Intersects reports whether at least one key matches both k and o. It is
// symmetric, and false when either side is the zero KeyExpr. It does not
// allocate for expressions of up to 32 chunks.
func (k KeyExpr) Intersects(o KeyExpr) bool {
	a, b := k.s, o.s
	switch {
	case a == "" || b == "":
		return false
	case a == b:
		return true
	case !isWild(a):
		return matchKey(b, a)
	case !isWild(b):
		return matchKey(a, b)
	}
	return intersects(a, b)
}

// intersects decides Intersects for two canonical, wild expressions. While
// neither side starts (or ends) with '**', the first (last) chunks must
// intersect pairwise; what is left in the middle is decided by a direct rule
// for the common shapes, and by intersectsDP otherwise.
func intersects(a, b string) bool {
	alo, ahi, blo, bhi, ok := trimEnds(a, b, chunkIntersects)
	if !ok {
		return false
	}
	switch {
	case alo >= ahi:
		return blo >= bhi || allAnyChunks(b[blo:bhi])
	case blo >= bhi:
		return allAnyChunks(a[alo:ahi])
	case a[alo:ahi] == anyChunks:
		return !hasVerbatim(b[blo:bhi])
	case b[blo:bhi] == anyChunks:
		return !hasVerbatim(a[alo:ahi])
	}
	return intersectsDP(a[alo:ahi], b[blo:bhi])
}

// intersectsDP decides whether two non-empty canonical chunk sequences
// intersect, by walking the grid of positions (i in a, j in b): a position
// is reachable when some key prefix is matched by a[:i] and by b[:j]. Every
// step moves right or down, so one row at a time is enough; a row is a
// bitset over j.
func intersectsDP(a, b string) bool {
	var chunkBuf [32]string
	bc := appendChunks(chunkBuf[:0], b)
	m := len(bc)
	w := (m + 1 + 63) / 64
	var rowBuf [8]uint64
	rows := rowBuf[:]
	if 2*w > len(rows) {
		rows = make([]uint64, 2*w)
	}
	cur, next := rows[:w], rows[w:2*w]
	cur[0] = 1
	for ai := 0; ; {
		ac, an := "", 0
		if ai < len(a) {
			ac, an = nextChunk(a, ai)
		}
		aAny := ac == anyChunks
		// Moves within the row: b's chunk j is consumed on its own, which
		// '**' in b can always do, and '**' in a can do unless j is verbatim.
		for j := 0; j < m; j++ {
			if hasBit(cur, j) && (bc[j] == anyChunks || aAny && !isVerbatim(bc[j])) {
				setBit(cur, j+1)
			}
		}
		if ai >= len(a) {
			return hasBit(cur, m)
		}
		clear(next)
		for j := 0; j <= m; j++ {
			if !hasBit(cur, j) {
				continue
			}
			switch {
			case aAny: // a's '**' ends here
				setBit(next, j)
			case j == m:
			case bc[j] == anyChunks: // b's '**' consumes a's chunk
				if !isVerbatim(ac) {
					setBit(next, j)
				}
			case chunkIntersects(ac, bc[j]):
				setBit(next, j+1)
			}
		}
		if isEmpty(next) {
			return false
		}
		cur, next = next, cur
		ai = an
	}
}

func hasBit(s []uint64, i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func setBit(s []uint64, i int)      { s[i/64] |= 1 << (i % 64) }

func isEmpty(s []uint64) bool {
	for _, x := range s {
		if x != 0 {
			return false
		}
	}
	return true
}
