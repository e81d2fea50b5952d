// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import "strings"

// KeyExpr is a valid key expression in canonical form. Its zero value is
// the empty, invalid expression: it matches no key, String returns "", and
// Includes, Intersects and Matches report false for it. Values are immutable
// and comparable; two KeyExprs are equal (==) iff they denote the same set of
// keys.
type KeyExpr struct {
	s string
}

// Parse returns the key expression s, which must be valid and already in
// canonical form; a non-canonical expression is rejected with an error that
// names the chunk and the canonical spelling. Use [Canonize] to accept any
// valid expression.
func Parse(s string) (KeyExpr, error) {
	if s == "" {
		return KeyExpr{}, invalid(s, -1, "empty expression")
	}
	prevAnyChunks := false
	for i, n := 0, 0; i <= len(s); n++ {
		c, next := nextChunk(s, i)
		if reason, _ := checkChunk(c); reason != "" {
			return KeyExpr{}, invalid(s, n, reason)
		}
		if prevAnyChunks {
			switch c {
			case anyChunks:
				return KeyExpr{}, invalid(s, n, "'**/**' is not canonical (write '**')")
			case anyChunk:
				return KeyExpr{}, invalid(s, n, "'**/*' is not canonical (write '*/**')")
			}
		}
		prevAnyChunks = c == anyChunks
		i = next
	}
	return KeyExpr{s: s}, nil
}

// Canonize returns the key expression s in canonical form: '**/**' becomes
// '**', '**/*' becomes '*/**' (repeatedly, so '**/*/**/*' becomes '*/*/**'),
// '$*$*' becomes '$*', and a chunk that is only '$*' becomes '*'. An
// invalid expression is still rejected.
func Canonize(s string) (KeyExpr, error) {
	if s == "" {
		return KeyExpr{}, invalid(s, -1, "empty expression")
	}
	rewrite := false
	prevAnyChunks := false
	for i, n := 0, 0; i <= len(s); n++ {
		c, next := nextChunk(s, i)
		if reason, fixable := checkChunk(c); reason != "" {
			if !fixable {
				return KeyExpr{}, invalid(s, n, reason)
			}
			rewrite = true
		}
		if prevAnyChunks && (c == anyChunk || c == anyChunks) {
			rewrite = true
		}
		prevAnyChunks = c == anyChunks
		i = next
	}
	if !rewrite {
		return KeyExpr{s: s}, nil
	}
	return KeyExpr{s: canonical(s)}, nil
}

// canonical rewrites the valid expression s into canonical form.
func canonical(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	put := func(c string) {
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(c)
	}
	// A run of '*' and '**' chunks denotes "at least as many chunks as there
	// are '*'", and "exactly" unless the run holds a '**': its canonical
	// spelling is the '*' chunks followed by at most one '**'.
	stars, anyStars := 0, false
	flush := func() {
		for ; stars > 0; stars-- {
			put(anyChunk)
		}
		if anyStars {
			put(anyChunks)
			anyStars = false
		}
	}
	for i := 0; i <= len(s); {
		c, next := nextChunk(s, i)
		i = next
		switch c = canonicalChunk(c); c {
		case anyChunk:
			stars++
		case anyChunks:
			anyStars = true
		default:
			flush()
			put(c)
		}
	}
	flush()
	return b.String()
}

// canonicalChunk collapses runs of '$*' in the valid chunk c, and turns a
// chunk that is only '$*' into '*'.
func canonicalChunk(c string) string {
	if strings.Contains(c, "$*$*") {
		var b strings.Builder
		for i := 0; i < len(c); i++ {
			if c[i] == '$' && strings.HasSuffix(b.String(), "$*") {
				i++ // skip the '*' as well
				continue
			}
			b.WriteByte(c[i])
		}
		c = b.String()
	}
	if c == "$*" {
		return anyChunk
	}
	return c
}

// MustParse is like [Parse] but panics if s is not a valid canonical key
// expression. It is meant for constants, tests and examples.
func MustParse(s string) KeyExpr {
	k, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return k
}

// String returns the expression in canonical form, or "" for the zero value.
func (k KeyExpr) String() string { return k.s }

// IsZero reports whether k is the zero (empty, invalid) KeyExpr.
func (k KeyExpr) IsZero() bool { return k.s == "" }

// IsWild reports whether k holds a wildcard ('*', '**' or '$*'), so that it
// may match more than one key. A '$*' inside a verbatim chunk ("@a$*") is
// literal text, not a wildcard.
func (k KeyExpr) IsWild() bool { return isWild(k.s) }

// NonWildPrefix returns the chunks of k before the first chunk that holds a
// wildcard: "demo/**/test/**" gives "demo", "dem$*" gives "", and an
// expression without wildcards gives itself. Every key that k matches starts
// with these chunks, so it is the prefix to scan for k.
func (k KeyExpr) NonWildPrefix() string {
	switch i := wildChunk(k.s); i {
	case -1:
		return k.s
	case 0:
		return ""
	default:
		return k.s[:i-1]
	}
}
