// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import "strings"

// Join joins two chunk sequences on a chunk boundary: Join("a/b", "c") is
// "a/b/c", and an empty side is left out: Join("a/b", "") is "a/b" and
// Join("", "c") is "c". Where the junction would form a non-canonical run
// of wildcard chunks, it is rewritten as [Canonize] would: Join("a/**", "*")
// is "a/*/**" and Join("a/**", "**/b") is "a/**/b". So two canonical
// expressions join into a canonical expression. Join does not validate its
// arguments.
func Join(prefix, suffix string) string {
	switch {
	case prefix == "":
		return suffix
	case suffix == "":
		return prefix
	case suffix[0] == '*' && (prefix == anyChunks || strings.HasSuffix(prefix, "/"+anyChunks)):
		if c, _ := nextChunk(suffix, 0); c == anyChunk || c == anyChunks {
			return joinWild(prefix, suffix)
		}
	}
	return prefix + "/" + suffix
}

// joinWild joins prefix, which ends with '**', and suffix, which starts
// with '*' or '**': the run of '*' and '**' chunks around the junction is
// written as its '*' chunks followed by one '**'.
func joinWild(prefix, suffix string) string {
	// The run at the end of prefix.
	head, stars := prefix, 0
	for head != "" {
		c, end := prevChunk(head, len(head))
		if c != anyChunk && c != anyChunks {
			break
		}
		if c == anyChunk {
			stars++
		}
		head = head[:max(end, 0)]
	}
	// The run at the start of suffix.
	tail := suffix
	for tail != "" {
		c, next := nextChunk(tail, 0)
		if c != anyChunk && c != anyChunks {
			break
		}
		if c == anyChunk {
			stars++
		}
		tail = tail[min(next, len(tail)):]
	}
	var b strings.Builder
	b.Grow(len(prefix) + 1 + len(suffix))
	if head != "" {
		b.WriteString(head)
		b.WriteByte('/')
	}
	for range stars {
		b.WriteString("*/")
	}
	b.WriteString(anyChunks)
	if tail != "" {
		b.WriteByte('/')
		b.WriteString(tail)
	}
	return b.String()
}

// StripPrefix removes prefix from key on a chunk boundary and reports
// whether it could: StripPrefix("a/b/c", "a/b") is ("c", true),
// StripPrefix("a/b", "a/b") is ("", true), StripPrefix("a/bc", "a/b") is
// ("", false), and an empty prefix leaves key as it is. It does not allocate
// and does not validate its arguments.
func StripPrefix(key, prefix string) (rest string, ok bool) {
	switch {
	case prefix == "":
		return key, true
	case key == prefix:
		return "", true
	case len(key) > len(prefix) && key[len(prefix)] == '/' && strings.HasPrefix(key, prefix):
		return key[len(prefix)+1:], true
	}
	return "", false
}

// HasChunkPrefix reports whether prefix is made of the first chunks of s:
// s equals prefix or starts with prefix followed by '/'. The empty prefix is
// a chunk prefix of every s.
func HasChunkPrefix(s, prefix string) bool {
	_, ok := StripPrefix(s, prefix)
	return ok
}
