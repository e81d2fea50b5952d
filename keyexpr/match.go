// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

// Matches reports whether k matches key, that is whether k includes the
// expression that is just key. The key must be a valid concrete key (see
// [ValidateKey]); for anything else the result is unspecified (but Matches
// does not panic). It does not allocate.
func (k KeyExpr) Matches(key string) bool {
	p := k.s
	if p == "" || key == "" {
		return false
	}
	if p == key {
		return true
	}
	return matchKey(p, key)
}

// matchKey matches the canonical pattern p against the concrete key, chunk
// by chunk. The segments between two '**' are placed greedily, each at the
// first position where it matches, backtracking only into the latest '**'.
// That is exact here even though '**' cannot absorb a verbatim chunk: a
// later placement of a segment could only help if it let a verbatim chunk
// escape the next '**', but a chunk pattern never matches both a verbatim
// and a non-verbatim chunk, so the shifted segment would put that verbatim
// chunk under the previous '**' instead.
func matchKey(p, key string) bool {
	// Trailing chunks of p without wildcards must equal those of the key.
	if n := equalSuffix(p, key); n > 0 {
		p, key = p[:len(p)-n], key[:len(key)-n]
	}
	pi, ki := 0, 0
	starP, starK := -1, 0 // after the latest '**': where p resumes, and the key chunk it absorbs next
	for ki < len(key) {
		if pi < len(p) {
			// Most chunks are equal text: compare them in one pass.
			x, y := pi, ki
			for x < len(p) && y < len(key) && p[x] == key[y] && p[x] != '/' {
				x++
				y++
			}
			if (x == len(p) || p[x] == '/') && (y == len(key) || key[y] == '/') {
				pi, ki = x+1, y+1
				continue
			}
			pc, pn := nextChunk(p, pi)
			if pc == anyChunks {
				if pn > len(p) { // a trailing '**' takes the rest
					return !hasVerbatim(key[ki:])
				}
				starP, starK, pi = pn, ki, pn
				continue
			}
			// A chunk without wildcards only matches equal text. One with
			// wildcards is '*' or holds '$*', and matches no verbatim chunk;
			// the text compared above is literal on both sides.
			if isWild(pc) {
				kc, kn := nextChunk(key, ki)
				if !isVerbatim(kc) && (pc == anyChunk || globMatch(pc[x-pi:], kc[x-pi:])) {
					pi, ki = pn, kn
					continue
				}
			}
		}
		if starP < 0 || key[starK] == '@' {
			return false // no '**' to absorb one more chunk, or it is verbatim
		}
		_, starK = nextChunk(key, starK)
		pi, ki = starP, starK
	}
	return allAnyChunks(p[min(pi, len(p)):])
}
