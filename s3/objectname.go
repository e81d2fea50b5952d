// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"strings"
	"unicode/utf8"
)

// Object names.
//
// A backend key becomes an object name in three steps: the key's bytes are
// copied, except that a few low bytes are written as "%XX" (two uppercase
// hexadecimal digits); a terminator '!' is appended; the Options.Prefix is
// put in front. Examples (with an empty Prefix):
//
//	key                    object name
//	""                     !
//	a/b                    a/b!
//	a/b/c                  a/b/c!
//	with space/100%        with%20space/100%25!
//	dots/./..              dots/%2E/%2E.!
//	-x/.hidden             %2Dx/%2Ehidden!
//
// Escaped are the bytes 0x00–0x25 (controls, space, !"#$%) everywhere, and
// at the start of a segment (the start of the key, or after '/' or '\') the
// bytes 0x00–0x2F, which adds &'()*+,-./ there. Every other byte, UTF-8
// included, is copied.
//
// Why this works:
//
//   - No object name is a directory of another: every name ends with '!',
//     which a copied byte never is, so no name followed by '/' starts
//     another name. (MinIO cannot store "a/b" next to "a/b/c"; here they are
//     "a/b!" and "a/b/c!".)
//   - MinIO refuses segments "." and ".." (it splits on '/' and '\' and
//     trims white space); no segment of ours starts with '.' or a space.
//   - Order is preserved: object names sort (by bytes, as S3 lists them)
//     exactly as their keys do. Each byte maps to a code chosen by the byte
//     before it only, so two keys share their codes up to their first
//     difference; there, the escaped bytes form the lowest interval of
//     bytes, their codes start with '%', which sorts below every copied
//     byte of that context, and "%XX" sorts by XX; a key that ends where
//     the other goes on gets '!', which sorts below '%' and every copied
//     byte.
//   - A byte prefix of keys is a byte prefix of object names: the keys
//     that start with p are exactly those whose names start with
//     encodePrefix(p), because codes are whole and context-determined. A
//     scan lists that prefix, and its Start becomes the listing's
//     StartAfter (names after encodePrefix(Start) are those of keys >=
//     Start, as '!' is the least byte that follows).
//
// Names that do not decode (no terminator, a stray '!', a non-canonical or
// broken escape, invalid UTF-8) were not written by strata.

const (
	terminator = '!'
	escapeByte = '%'
	// maxEscapedInSegment and maxEscapedAtSegmentStart are the highest
	// bytes escaped inside a segment and at its start.
	maxEscapedInSegment      = 0x25 // '%'
	maxEscapedAtSegmentStart = 0x2F // '/'
	// maxObjectName is S3's limit on object names, in bytes.
	maxObjectName = 1024
	// metaSpace is where store-metadata records live, after the Prefix.
	// Key names never start with it: a key name holds '!' only at its end.
	metaSpace = "!meta/"
)

const upperHex = "0123456789ABCDEF"

// appendEncoded appends the codes of s (no terminator) to dst.
func appendEncoded(dst []byte, s string) []byte {
	segStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= maxEscapedInSegment || segStart && c <= maxEscapedAtSegmentStart {
			dst = append(dst, escapeByte, upperHex[c>>4], upperHex[c&0xF])
		} else {
			dst = append(dst, c)
		}
		segStart = c == '/' || c == '\\'
	}
	return dst
}

// encodeKey returns the object name of key, without the Prefix.
func encodeKey(key string) string {
	b := make([]byte, 0, len(key)+len(key)/8+1)
	b = appendEncoded(b, key)
	return string(append(b, terminator))
}

// encodePrefix returns the object-name prefix of the keys that start with
// p, without the Prefix.
func encodePrefix(p string) string {
	return string(appendEncoded(make([]byte, 0, len(p)+len(p)/8), p))
}

// decodeName returns the key whose object name (without the Prefix) is
// name, and false if name is not the name of any key.
func decodeName(name string) (string, bool) {
	if len(name) == 0 || name[len(name)-1] != terminator {
		return "", false
	}
	name = name[:len(name)-1]
	if strings.IndexByte(name, escapeByte) < 0 {
		// Fast path: nothing escaped; check that nothing should have been.
		if !plainIsCanonical(name) || !utf8.ValidString(name) {
			return "", false
		}
		return name, true
	}
	key := make([]byte, 0, len(name))
	segStart := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == escapeByte {
			if i+2 >= len(name) {
				return "", false
			}
			hi, ok1 := unhex(name[i+1])
			lo, ok2 := unhex(name[i+2])
			if !ok1 || !ok2 {
				return "", false
			}
			c = hi<<4 | lo
			if !(c <= maxEscapedInSegment || segStart && c <= maxEscapedAtSegmentStart) {
				return "", false // non-canonical: this byte is never escaped here
			}
			i += 2
		} else if c <= maxEscapedInSegment || segStart && c <= maxEscapedAtSegmentStart {
			return "", false // this byte is always escaped here
		}
		key = append(key, c)
		segStart = c == '/' || c == '\\'
	}
	if !utf8.Valid(key) {
		return "", false
	}
	return string(key), true
}

// plainIsCanonical reports whether s, which holds no escape, is its own
// encoding.
func plainIsCanonical(s string) bool {
	segStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= maxEscapedInSegment || segStart && c <= maxEscapedAtSegmentStart {
			return false
		}
		segStart = c == '/' || c == '\\'
	}
	return true
}

// unhex decodes one uppercase hexadecimal digit, as appendEncoded writes
// them.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
