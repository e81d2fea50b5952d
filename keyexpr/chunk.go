// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import "strings"

// Chunk-level helpers. Expressions are walked by byte offset, never split, so
// that the matching paths do not allocate. A position past the end of the
// string (len(s)+1) means that no chunk is left.

const (
	anyChunk  = "*"  // matches exactly one chunk
	anyChunks = "**" // matches zero or more chunks
)

// nextChunk returns the chunk of s that starts at offset i and the offset of
// the chunk after it, which is len(s)+1 when the chunk was the last one.
func nextChunk(s string, i int) (chunk string, next int) {
	if j := strings.IndexByte(s[i:], '/'); j >= 0 {
		return s[i : i+j], i + j + 1
	}
	return s[i:], len(s) + 1
}

// prevChunk returns the last chunk of s[:end] and the end offset of the
// chunks before it, which is -1 when the chunk was the first one.
func prevChunk(s string, end int) (chunk string, prevEnd int) {
	j := strings.LastIndexByte(s[:end], '/')
	return s[j+1 : end], j
}

// equalPrefix returns where the longest run of leading chunks that are the
// same text in a and b and hold no '*' ends: the offset of the chunk after
// them, in both strings, or 0 if there is none.
func equalPrefix(a, b string) int {
	n := min(len(a), len(b))
	last := 0
	for i := 0; i < n; i++ {
		if a[i] != b[i] || a[i] == '*' {
			return last
		}
		if a[i] == '/' {
			last = i + 1
		}
	}
	if len(a) != len(b) && (len(a) > n && a[n] == '/' || len(b) > n && b[n] == '/') {
		return n + 1
	}
	return last
}

// equalSuffix returns the byte length of the longest run of trailing chunks
// that are the same text in a and b and hold no '*', with the '/' before
// them (0 if there is none). The run never covers all of a or of b.
func equalSuffix(a, b string) int {
	n := min(len(a), len(b))
	last := 0
	for i := 1; i <= n; i++ {
		c := a[len(a)-i]
		if c != b[len(b)-i] || c == '*' {
			return last
		}
		if c == '/' {
			last = i
		}
	}
	return last
}

// isVerbatim reports whether chunk c is verbatim: it starts with '@' and only
// an identical chunk matches it.
func isVerbatim(c string) bool { return len(c) > 0 && c[0] == '@' }

// hasSubWild reports whether chunk c holds a '$*' sub-chunk wildcard.
func hasSubWild(c string) bool { return strings.IndexByte(c, '$') >= 0 }

// isWild reports whether expression s holds any wildcard, see wildChunk.
func isWild(s string) bool { return wildChunk(s) >= 0 }

// wildChunk returns the offset of the first chunk of s that holds a
// wildcard, or -1 if there is none. Every wildcard ('*', '**', '$*')
// contains a '*', but a '*' in a verbatim chunk is literal text: "@a$*"
// is a plain chunk that only "@a$*" matches.
func wildChunk(s string) int {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '*')
		if j < 0 {
			return -1
		}
		j += i
		if j == 0 || s[j-1] == '/' {
			return j // a '*' or '**' chunk
		}
		start := strings.LastIndexByte(s[:j], '/') + 1
		if s[start] != '@' {
			return start
		}
		k := strings.IndexByte(s[j:], '/')
		if k < 0 {
			return -1
		}
		i = j + k + 1
	}
}

// hasVerbatim reports whether the chunk sequence s holds a verbatim chunk.
func hasVerbatim(s string) bool {
	return isVerbatim(s) || strings.Contains(s, "/@")
}

// allAnyChunks reports whether every chunk of s (possibly none) is '**'.
func allAnyChunks(s string) bool {
	for i := 0; i < len(s); {
		c, next := nextChunk(s, i)
		if c != anyChunks {
			return false
		}
		i = next
	}
	return true
}

// chunkIntersects reports whether some chunk matches both canonical chunk
// patterns p and q (neither is '**').
func chunkIntersects(p, q string) bool {
	if p == q {
		return true
	}
	if isVerbatim(p) || isVerbatim(q) {
		return false
	}
	if p == anyChunk || q == anyChunk {
		return true
	}
	pw, qw := hasSubWild(p), hasSubWild(q)
	switch {
	case pw && qw:
		return globsIntersect(p, q)
	case pw:
		return globMatch(p, q)
	case qw:
		return globMatch(q, p)
	}
	return false
}

// chunkIncludes reports whether every chunk that canonical chunk pattern q
// matches is also matched by p (neither is '**').
func chunkIncludes(p, q string) bool {
	switch {
	case p == q:
		return true
	case p == anyChunk:
		return !isVerbatim(q)
	case q == anyChunk || isVerbatim(p) || isVerbatim(q) || !hasSubWild(p):
		return false
	}
	// Both are plain chunks and p holds '$*'. Reading q's own '$*' as two
	// literal bytes is exact: p's literal text never holds '$' or '*', so only
	// one of p's '$*' can absorb them, and whatever q's '$*' stands for can
	// then be absorbed in their place.
	return globMatch(p, q)
}

// globMatch reports whether the chunk pattern p, in which '$*' matches any
// substring, matches the whole of s byte for byte.
func globMatch(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) && p[pi] == '$' {
			// In a valid pattern '$' always starts '$*'.
			pi += 2
			starP, starS = pi, si
			continue
		}
		if pi < len(p) && p[pi] == s[si] {
			pi++
			si++
			continue
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP, starS
	}
	for pi < len(p) && p[pi] == '$' {
		pi += 2
	}
	return pi == len(p)
}

// globsIntersect reports whether two chunk patterns that both hold '$*' match
// a common string. With a wildcard on each side, only the text before the
// first and after the last wildcard constrains: if those agree, the literal
// text in between of both patterns can be laid one after the other.
func globsIntersect(p, q string) bool {
	pPre, qPre := p[:strings.IndexByte(p, '$')], q[:strings.IndexByte(q, '$')]
	pSuf, qSuf := p[strings.LastIndexByte(p, '*')+1:], q[strings.LastIndexByte(q, '*')+1:]
	return (strings.HasPrefix(pPre, qPre) || strings.HasPrefix(qPre, pPre)) &&
		(strings.HasSuffix(pSuf, qSuf) || strings.HasSuffix(qSuf, pSuf))
}

// trimEnds walks a and b from both ends, chunk by chunk, while neither
// side's chunk is '**', checking each pair of chunks with pair (chunk
// inclusion or intersection). It returns the bounds of the middles left
// (a[alo:ahi], b[blo:bhi]), and false as soon as a pair fails.
func trimEnds(a, b string, pair func(p, q string) bool) (alo, ahi, blo, bhi int, ok bool) {
	alo = equalPrefix(a, b)
	blo = alo
	ahi, bhi = len(a), len(b)
	for alo < ahi && blo < bhi {
		ac, an := nextChunk(a, alo)
		bc, bn := nextChunk(b, blo)
		if ac == anyChunks || bc == anyChunks {
			break
		}
		if !pair(ac, bc) {
			return 0, 0, 0, 0, false
		}
		alo, blo = an, bn
	}
	if alo < ahi && blo < bhi {
		n := equalSuffix(a[alo:], b[blo:])
		ahi, bhi = ahi-n, bhi-n
	}
	for alo < ahi && blo < bhi {
		ac, ap := prevChunk(a, ahi)
		bc, bp := prevChunk(b, bhi)
		if ac == anyChunks || bc == anyChunks {
			break
		}
		if !pair(ac, bc) {
			return 0, 0, 0, 0, false
		}
		ahi, bhi = ap, bp
	}
	return alo, ahi, blo, bhi, true
}

// HasWildcard reports whether s, a key or key expression (valid or not),
// holds a wildcard chunk: '*', '**', or a chunk with '$*' that is not
// verbatim. It does not validate s; "@a$*/b" has none.
func HasWildcard(s string) bool { return isWild(s) }
