// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import "github.com/stratakv/strata/keyexpr"

// A wildcard selector starts, most often, with literal chunks
// ("fleet/robot" in "fleet/robot/*/pose"), and a scan reads only the keys
// under them. Matching such a selector against each key compares those
// chunks again; literalSkipper compares them once per key with one string
// comparison and matches only the rest of the selector against the rest
// of the key.

// literalSkipper matches keys against an expression split into its
// literal leading chunks (lit) and the rest, which starts with a chunk
// that holds a wildcard.
type literalSkipper struct {
	lit   string
	rest  keyexpr.KeyExpr
	whole bool // the expression matches lit itself
}

// newLiteralSkipper splits expr after its literal leading chunks; ok is
// false when expr has none, or no wildcard.
func newLiteralSkipper(expr keyexpr.KeyExpr) (literalSkipper, bool) {
	lit := expr.NonWildPrefix()
	str := expr.String()
	if lit == "" || len(lit) == len(str) {
		return literalSkipper{}, false
	}
	// A run of chunks that ends a canonical expression is canonical: the
	// rules of the canonical form hold between neighbouring chunks.
	rest, err := keyexpr.Parse(str[len(lit)+1:])
	if err != nil {
		return literalSkipper{}, false
	}
	return literalSkipper{lit: lit, rest: rest, whole: expr.Matches(lit)}, true
}

// matches reports whether the expression matches a valid key. A literal
// chunk matches only an equal chunk, so the expression matches the key
// exactly when the key starts with the literal chunks and the rest of
// the expression matches the rest of the key.
func (m *literalSkipper) matches(key string) bool {
	n := len(m.lit)
	switch {
	case len(key) == n:
		return m.whole && key == m.lit
	case len(key) < n+2 || key[n] != '/' || key[:n] != m.lit:
		return false
	}
	return m.rest.Matches(key[n+1:])
}

// under reports whether every key under the byte prefix scanned starts
// with the literal chunks and a '/', which matchesUnder then skips
// without comparing them.
func (m *literalSkipper) under(scanned string) bool {
	return len(scanned) > len(m.lit) && scanned[len(m.lit)] == '/' && scanned[:len(m.lit)] == m.lit
}

// matchesUnder is matches for a key that starts with the literal chunks
// and a '/' (a key under the prefix that under accepted).
func (m *literalSkipper) matchesUnder(key string) bool {
	n := len(m.lit) + 1
	return len(key) > n && m.rest.Matches(key[n:])
}
