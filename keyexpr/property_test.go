// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		a, err := Canonize(randomExpr(r, 6))
		if err != nil {
			t.Fatal(err)
		}
		b, err := Canonize(randomExpr(r, 6))
		if err != nil {
			t.Fatal(err)
		}
		checkPair(t, a, b)
		// A concrete key as an expression behaves like Matches.
		key := randomKeyFor(r, a.String())
		k := MustParse(key)
		m := a.Matches(key)
		if a.Intersects(k) != m || k.Intersects(a) != m || a.Includes(k) != m {
			t.Errorf("%q vs key %q: Matches %v, Intersects %v/%v, Includes %v",
				a, key, m, a.Intersects(k), k.Intersects(a), a.Includes(k))
		}
	}
}

// checkPair checks the laws that relate Intersects and Includes.
func checkPair(t *testing.T, a, b KeyExpr) {
	t.Helper()
	ab, ba := a.Intersects(b), b.Intersects(a)
	if ab != ba {
		t.Errorf("Intersects is not symmetric: %q, %q: %v, %v", a, b, ab, ba)
	}
	if !a.Includes(a) || !a.Intersects(a) {
		t.Errorf("%q does not include or intersect itself", a)
	}
	inc, rinc := a.Includes(b), b.Includes(a)
	if inc && !ab {
		t.Errorf("%q includes %q but does not intersect it", a, b)
	}
	if inc && rinc && a != b {
		t.Errorf("%q and %q include each other but differ", a, b)
	}
	if (a.String() == "**" && !hasVerbatim(b.String())) != (a.String() == "**" && inc) {
		t.Errorf("** vs %q: Includes %v", b, inc)
	}
}

func TestCanonizePreservesMatching(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		raw := randomExpr(r, 6)
		k, err := Canonize(raw)
		if err != nil {
			t.Fatalf("Canonize(%q): %v", raw, err)
		}
		if k2, err := Parse(k.String()); err != nil || k2 != k {
			t.Fatalf("Parse(Canonize(%q) = %q) = %q, %v", raw, k, k2, err)
		}
		if k2, _ := Canonize(k.String()); k2 != k {
			t.Fatalf("Canonize is not idempotent: %q -> %q -> %q", raw, k, k2)
		}
		if _, err := Parse(raw); (err == nil) != (raw == k.String()) {
			t.Fatalf("Parse(%q) = %v, but Canonize gives %q", raw, err, k)
		}
		rc := strings.Split(raw, "/")
		for range 4 {
			key := randomKeyFor(r, raw)
			if got, want := k.Matches(key), oracleMatch(rc, strings.Split(key, "/")); got != want {
				t.Errorf("Canonize(%q) = %q: Matches(%q) = %v, raw pattern says %v", raw, k, key, got, want)
			}
		}
	}
}

// TestLongExpressions covers expressions with more chunks than the
// fixed-size buffers of the matching code hold, and more than 64 states.
func TestLongExpressions(t *testing.T) {
	rep := func(c string, n int) string { return strings.TrimSuffix(strings.Repeat(c+"/", n), "/") }
	a := MustParse("**/" + rep("a$*", 70) + "/**")
	b := MustParse("**/" + rep("ab", 70) + "/**")
	b69 := MustParse("**/" + rep("ab", 69) + "/**")
	c := MustParse("**/x/" + rep("*", 80) + "/**/y")
	d := MustParse("**/x/" + rep("*", 79) + "/**/z/y")
	tests := []struct {
		a, b      KeyExpr
		inc, isec bool
	}{
		{a, b, true, true},
		{b, a, false, true},
		{a, b69, false, true},
		{b69, b, true, true},
		{b, b69, false, true},
		{c, d, true, true},
		{d, c, false, true},
		{a, c, false, true},
		{a, MustParse("**/x/" + rep("b$*", 80) + "/**/y"), false, true},
		{a, MustParse("**/@v/" + rep("a$*", 80) + "/**/y"), false, false},
		{MustParse("**/@v/" + rep("a$*", 80) + "/**/y"), a, false, false},
		{MustParse(rep("*", 100)), MustParse(rep("*", 99) + "/**"), false, true},
		{MustParse(rep("*", 99) + "/**"), MustParse(rep("*", 100)), true, true},
		{MustParse(rep("**/@v", 40)), MustParse(rep("@v/**", 40)), false, true},
		{MustParse(rep("**/@v", 40)), MustParse(rep("@v/**", 41)), false, false},
		{MustParse(rep("**/a", 40)), MustParse(rep("a/**", 39) + "/a"), true, true},
	}
	for i, tt := range tests {
		if got := tt.a.Includes(tt.b); got != tt.inc {
			t.Errorf("%d: Includes = %v, want %v", i, got, tt.inc)
		}
		if got := tt.a.Intersects(tt.b); got != tt.isec {
			t.Errorf("%d: Intersects = %v, want %v", i, got, tt.isec)
		}
		checkPair(t, tt.a, tt.b)
	}
	key := "q/x/" + rep("q", 90) + "/z/y"
	if !c.Matches(key) || !d.Matches(key) || a.Matches(key) {
		t.Error("long key matched wrongly")
	}
}

// TestJoinCanonical checks that joining two canonical expressions gives the
// canonical form of their concatenation.
func TestJoinCanonical(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		a, err := Canonize(randomExpr(r, 4))
		if err != nil {
			t.Fatal(err)
		}
		b, err := Canonize(randomExpr(r, 4))
		if err != nil {
			t.Fatal(err)
		}
		got := Join(a.String(), b.String())
		want, err := Canonize(a.String() + "/" + b.String())
		if err != nil {
			t.Fatal(err)
		}
		if got != want.String() {
			t.Errorf("Join(%q, %q) = %q, want %q", a, b, got, want)
		}
		if _, err := Parse(got); err != nil {
			t.Errorf("Join(%q, %q) = %q is not canonical: %v", a, b, got, err)
		}
	}
}
