// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

// Most keys are plain: ASCII, without '*', '$', '#' or '?', and without
// an empty chunk. isPlainKey recognizes them eight bytes at a time, so
// that ValidateKey checks them without its byte-by-byte rules; a key that
// is not plain takes those rules, whatever the reason.

const (
	lowSeven = 0x7f7f7f7f7f7f7f7f
	highBits = 0x8080808080808080
	oneBytes = 0x0101010101010101
)

// zeroBytes returns x with 0x80 in each byte that is zero and 0 in every
// other: exact for each byte (no carry crosses a byte).
func zeroBytes(x uint64) uint64 {
	return ^(((x & lowSeven) + lowSeven) | x | lowSeven)
}

// word reads s[i:i+8] as a little-endian uint64.
func word(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// plainWord reports whether the eight bytes of w are ASCII, none of them
// '*', '$', '#' or '?', and no two neighbours both '/'; slashes has 0x80
// in the bytes that are '/'.
func plainWord(w uint64) (ok bool, slashes uint64) {
	bad := w&highBits |
		zeroBytes(w^('*'*oneBytes)) | zeroBytes(w^('$'*oneBytes)) |
		zeroBytes(w^('#'*oneBytes)) | zeroBytes(w^('?'*oneBytes))
	slashes = zeroBytes(w ^ ('/' * oneBytes))
	return bad == 0 && slashes&(slashes<<8) == 0, slashes
}

// isPlainKey reports whether s is a plain key, which ValidateKey accepts:
// not empty, ASCII, none of '*', '$', '#' or '?', no empty chunk. It
// reports false for every other key, valid or not.
func isPlainKey(s string) bool {
	n := len(s)
	if n == 0 || s[0] == '/' || s[n-1] == '/' {
		return false
	}
	if n < 8 {
		for i := range n {
			switch c := s[i]; {
			case c >= 0x80, c == '*', c == '$', c == '#', c == '?':
				return false
			case c == '/' && s[i-1] == '/': // i > 0: s[0] is not '/'
				return false
			}
		}
		return true
	}
	// Whole words, then the last eight bytes, which overlap the words
	// before (so that a pair of slashes across two words is in one).
	lastTop := false // the previous word ends with '/'
	i := 0
	for ; i+8 <= n; i += 8 {
		ok, slashes := plainWord(word(s, i))
		if !ok || lastTop && slashes&0x80 != 0 {
			return false
		}
		lastTop = slashes>>63 != 0
	}
	if i < n {
		ok, _ := plainWord(word(s, n-8))
		return ok
	}
	return true
}
