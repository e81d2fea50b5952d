// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stratakv/strata/keyexpr"
)

// randomKeyexprs returns random valid keys and canonical wildcard
// expressions over a few chunks, verbatim chunks ('@'), '$*' and '**'
// included, so that literal prefixes, partial chunks and chunks that only
// look alike all occur.
func randomKeyexprs(r *rand.Rand, n int) (keys []string, exprs []keyexpr.KeyExpr) {
	keyChunks := []string{"a", "b", "ab", "ba", "abc", "@v", "@a", "@v$*", "x", "a.b"}
	exprChunks := append([]string{"*", "**", "a$*", "$*b", "a$*c", "@v", "@v$*", "$*"}, keyChunks...)
	join := func(chunks []string, max int) string {
		parts := make([]string, 1+r.IntN(max))
		for i := range parts {
			parts[i] = chunks[r.IntN(len(chunks))]
		}
		return strings.Join(parts, "/")
	}
	for len(keys) < n {
		k := join(keyChunks, 5)
		if keyexpr.ValidateKey(k) == nil && !keyexpr.HasWildcard(k) {
			keys = append(keys, k)
		}
	}
	for len(exprs) < n {
		e, err := keyexpr.Canonize(join(exprChunks, 5))
		if err == nil && e.IsWild() {
			exprs = append(exprs, e)
		}
	}
	return keys, exprs
}

// The matcher that skips an expression's literal chunks agrees with
// keyexpr's matching on every key.
func TestLiteralSkipperMatchesLikeKeyexpr(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys, exprs := randomKeyexprs(r, 400)
	for _, s := range []string{"a/b/*/c", "a/**", "a/b/**/c", "@v/a$*", "a/@v/*", "a/ab$*/**", "ab/**/@v"} {
		exprs = append(exprs, keyexpr.MustParse(s))
	}
	skipped := 0
	for _, e := range exprs {
		m, ok := newLiteralSkipper(e)
		if !ok {
			if e.NonWildPrefix() != "" {
				t.Fatalf("%q has literal chunks but no skipper", e)
			}
			continue
		}
		skipped++
		scanned := literalPrefix(e) // the prefix a scan for e reads
		for _, k := range append(keys, m.lit, m.lit+"x", m.lit+"/b", m.lit[:len(m.lit)-1]) {
			if keyexpr.ValidateKey(k) != nil {
				continue
			}
			want := e.Matches(k)
			if got := m.matches(k); got != want {
				t.Fatalf("%q on %q: %v, keyexpr says %v", e, k, got, want)
			}
			if m.under(scanned) && strings.HasPrefix(k, scanned) {
				if got := m.matchesUnder(k); got != want {
					t.Fatalf("%q on %q under %q: %v, keyexpr says %v", e, k, scanned, got, want)
				}
			}
		}
	}
	if skipped < 100 {
		t.Fatalf("only %d expressions with literal chunks", skipped)
	}
}

// A store's matcher of the backend keys a scan reads, stripped or not,
// agrees with keyexpr's matching of the full keys.
func TestMatcherMatchesLikeKeyexpr(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	keys, exprs := randomKeyexprs(r, 300)
	for _, strip := range []string{"", "a", "a/b", "@v"} {
		s := &Store{cfg: &config{strip: strip}}
		for _, sel := range exprs {
			scanned, ok := s.scanPrefix(sel)
			if !ok {
				continue
			}
			match := s.matcher(sel, scanned)
			for _, k := range keys {
				bkey, ok := keyexpr.StripPrefix(k, strip)
				if !ok || !strings.HasPrefix(bkey, scanned) {
					continue
				}
				if got, want := match(bkey), sel.Matches(k); got != want {
					t.Fatalf("strip %q, selector %q on %q: %v, keyexpr says %v", strip, sel, k, got, want)
				}
			}
		}
	}
}
