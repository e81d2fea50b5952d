// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// The seed corpus lives in testdata/fuzz/<FuzzName>; plain `go test` runs it.

func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		k, err := Parse(s)
		if err != nil {
			checkFuzzError(t, err, s)
			return
		}
		if k.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, k)
		}
		if c, err := Canonize(s); err != nil || c != k {
			t.Fatalf("Canonize(%q) = %q, %v, but Parse accepted it", s, c, err)
		}
		if err := ValidateKey(s); (err == nil) == k.IsWild() {
			t.Fatalf("ValidateKey(%q) = %v, IsWild = %v", s, err, k.IsWild())
		}
		if !k.IsWild() && !k.Matches(s) {
			t.Fatalf("%q does not match itself", s)
		}
		if p := k.NonWildPrefix(); !HasChunkPrefix(s, p) || isWild(p) {
			t.Fatalf("NonWildPrefix(%q) = %q", s, p)
		}
	})
}

func FuzzCanonize(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		k, err := Canonize(s)
		if err != nil {
			checkFuzzError(t, err, s)
			if _, err := Parse(s); err == nil {
				t.Fatalf("Parse accepted %q, Canonize did not", s)
			}
			return
		}
		c := k.String()
		if k2, err := Parse(c); err != nil || k2 != k {
			t.Fatalf("Parse(Canonize(%q) = %q) = %q, %v", s, c, k2, err)
		}
		if k2, err := Canonize(c); err != nil || k2 != k {
			t.Fatalf("Canonize is not idempotent: %q -> %q -> %q, %v", s, c, k2, err)
		}
		if len(s) > 200 {
			return // keep the slow model affordable
		}
		// Canonization preserves matching: compare with the model of the
		// raw expression on keys built from it.
		r := rand.New(rand.NewPCG(uint64(len(s)), 1))
		raw := strings.Split(s, "/")
		for range 8 {
			key := randomKeyFor(r, s)
			if ValidateKey(key) != nil {
				continue
			}
			if got, want := k.Matches(key), oracleMatch(raw, strings.Split(key, "/")); got != want {
				t.Fatalf("Canonize(%q) = %q: Matches(%q) = %v, raw expression says %v", s, c, key, got, want)
			}
		}
	})
}

func FuzzIntersects(f *testing.F) {
	f.Fuzz(func(t *testing.T, sa, sb string) {
		a, err := Canonize(sa)
		if err != nil {
			return
		}
		b, err := Canonize(sb)
		if err != nil {
			return
		}
		checkPair(t, a, b)
		if len(sa)+len(sb) > 200 {
			return
		}
		// Keys built from either side are witnesses: one that both match
		// proves an intersection, one that b matches and a does not
		// disproves an inclusion.
		r := rand.New(rand.NewPCG(uint64(len(sa)), uint64(len(sb))))
		ca, cb := strings.Split(a.String(), "/"), strings.Split(b.String(), "/")
		for i := range 16 {
			e := a.String()
			if i%2 == 1 {
				e = b.String()
			}
			key := randomKeyFor(r, e)
			if ValidateKey(key) != nil {
				continue
			}
			kc := strings.Split(key, "/")
			inA, inB := oracleMatch(ca, kc), oracleMatch(cb, kc)
			if inA != a.Matches(key) || inB != b.Matches(key) {
				t.Fatalf("Matches(%q): %q %v, %q %v; model says %v, %v", key, a, a.Matches(key), b, b.Matches(key), inA, inB)
			}
			if inA && inB && !a.Intersects(b) {
				t.Fatalf("%q and %q both match %q but do not intersect", a, b, key)
			}
			if inB && !inA && a.Includes(b) {
				t.Fatalf("%q includes %q but misses %q", a, b, key)
			}
		}
	})
}

// FuzzMatches checks that Matches never panics, even on strings that are
// not valid keys, and agrees with the model on valid ones.
func FuzzMatches(f *testing.F) {
	f.Fuzz(func(t *testing.T, e, key string) {
		k, err := Canonize(e)
		if err != nil {
			return
		}
		got := k.Matches(key)
		if ValidateKey(key) != nil || len(e)+len(key) > 200 {
			return
		}
		if want := oracleMatch(strings.Split(k.String(), "/"), strings.Split(key, "/")); got != want {
			t.Fatalf("%q.Matches(%q) = %v, model says %v", k, key, got, want)
		}
	})
}

func checkFuzzError(t *testing.T, err error, s string) {
	t.Helper()
	var e *Error
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Expr != s {
		t.Fatalf("%q: bad error %#v", s, err)
	}
	if e.Chunk < -1 || e.Chunk > strings.Count(s, "/") || e.Reason == "" || (e.Chunk == -1) != (s == "") {
		t.Fatalf("%q: bad error %+v", s, *e)
	}
}
