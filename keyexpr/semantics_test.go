// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestIntersectsExamples(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"a/*", "*/a", true},
		{"a/**/c/**/e", "a/c/e", true},
		{"x/$*abc", "x/abc$*", true},
		{"ab/*", "ab", false},
		{"x/$*d", "x/$*e", false},
		{"a$*b", "$*c", false},
		{"a$*", "$*b", true},
		{"$*abc", "abc$*", true},
		{"a/**", "a", true},
		{"**", "a/b/c", true},
		{"**", "@a", false},
		{"@a/**", "*/**", false},
		{"@a/**", "@a", true},
		{"a/**/@b", "a/@b", true},
		{"a/**/@b", "a/*/@b", true},
		{"a/**/@b", "a/@c/@b", false},
		{"**/@b", "*/**", false},
		{"demo/example/**", "demo/*/test", true},
		{"fleet/robot/*/pose", "fleet/**", true},
		{"a/*/c", "a/b/d", false},
		{"*/*", "**/a/**/b/**", true},
		{"*", "**/a/**/b/**", false},
		{"a/**/b", "**/c/**", true},
		{"a$*b/x", "$*c/**", false},
		{"a$*/b", "$*a/**", true},
	}
	for _, tt := range tests {
		a, b := MustParse(tt.a), MustParse(tt.b)
		if got := a.Intersects(b); got != tt.want {
			t.Errorf("%q.Intersects(%q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := b.Intersects(a); got != tt.want {
			t.Errorf("%q.Intersects(%q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestIncludesExamples(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"a/*/**", "a/b/**", true},
		{"a/b/**", "a/*/**", false},
		{"x/a$*", "x/abc$*", true},
		{"x/abc$*", "x/a$*", false},
		{"x/a$*e", "x/a$*d$*e", true},
		{"x/a$*d$*e", "x/a$*e", false},
		{"a/**", "a", true},
		{"a", "a/**", false},
		{"**", "a/*/b$*/**", true},
		{"**", "a/@b", false},
		{"*", "$*a", true},
		{"*", "@a", false},
		{"a$*", "*", false},
		{"*/**", "**/x", true},
		{"**/x", "*/**", false},
		{"*/**", "**", false},
		{"**/a/**", "**/a/b/**", true},
		{"**/a/b/**", "**/a/**", false},
		{"**/a/*/**", "*/a/**/b", true},
		{"a/**/b", "a/**/c/b", true},
		{"a/**/b", "a/**/@c/b", false},
		{"@a/**", "@a/b", true},
		{"@a", "@a", true},
		{"fleet/**", "fleet/robot/*/pose", true},
		{"fleet/robot/*/pose", "fleet/**", false},
	}
	for _, tt := range tests {
		a, b := MustParse(tt.a), MustParse(tt.b)
		if got := a.Includes(b); got != tt.want {
			t.Errorf("%q.Includes(%q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		e, key string
		want   bool
	}{
		{"a/b", "a/b", true},
		{"a/b", "a/c", false},
		{"a/*", "a/b", true},
		{"a/*", "a/b/c", false},
		{"a/*", "a", false},
		{"a/**", "a", true},
		{"a/**", "a/b/c", true},
		{"a/**", "ab", false},
		{"a/**", "a/@b", false},
		{"a/**/@b", "a/x/y/@b", true},
		{"a/**/@b", "a/x/@y/@b", false},
		{"**/b/**/c", "b/b/x/c", true},
		{"**/b/*/c", "a/b/b/x/c", true},
		{"**/b/*/c", "a/b/b/x/d", false},
		{"dem$*/**", "demo/x", true},
		{"$*o/**", "demo", true},
		{"$*o/**", "@demo", false},
		{"a$*b$*c", "abbcc", true},
		{"a$*b$*c", "acb", false},
		{"**", "@a", false},
		{"*", "@a", false},
		{"@a", "@a", true},
		{"*/*/**", "a", false},
		{"*/*/**", "a/b", true},
	}
	for _, tt := range tests {
		if got := MustParse(tt.e).Matches(tt.key); got != tt.want {
			t.Errorf("%q.Matches(%q) = %v, want %v", tt.e, tt.key, got, tt.want)
		}
	}
	var zero KeyExpr
	if zero.Matches("a") || zero.Intersects(MustParse("**")) || zero.Includes(MustParse("a")) ||
		MustParse("**").Includes(zero) || MustParse("**").Intersects(zero) {
		t.Error("the zero KeyExpr matched something")
	}
}

// canonicalPool lists every distinct canonical expression of at most two
// chunks drawn from a set of chunk patterns.
func canonicalPool(t *testing.T) []string {
	chunks := []string{"*", "**", "a", "b", "ab", "a$*", "$*a", "$*a$*", "a$*b", "b$*", "@a", "@a$*"}
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		k, err := Canonize(s)
		if err != nil {
			t.Fatalf("Canonize(%q): %v", s, err)
		}
		if !seen[k.String()] {
			seen[k.String()] = true
			out = append(out, k.String())
		}
	}
	for _, c := range chunks {
		add(c)
		for _, d := range chunks {
			add(c + "/" + d)
		}
	}
	return out
}

func TestAgainstOracleExhaustive(t *testing.T) {
	pool := canonicalPool(t)
	for _, sa := range pool {
		a, ca := MustParse(sa), strings.Split(sa, "/")
		for _, sb := range pool {
			b, cb := MustParse(sb), strings.Split(sb, "/")
			if got, want := a.Intersects(b), oracleIntersects(ca, cb); got != want {
				t.Errorf("%q.Intersects(%q) = %v, oracle says %v", sa, sb, got, want)
			}
			if got, want := a.Includes(b), oracleIncludes(ca, cb); got != want {
				t.Errorf("%q.Includes(%q) = %v, oracle says %v", sa, sb, got, want)
			}
		}
	}
}

func TestAgainstOracleRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for range n {
		a, err := Canonize(randomExpr(r, 3+r.IntN(6)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := Canonize(randomExpr(r, 3+r.IntN(6)))
		if err != nil {
			t.Fatal(err)
		}
		ca, cb := strings.Split(a.String(), "/"), strings.Split(b.String(), "/")
		if got, want := a.Intersects(b), oracleIntersects(ca, cb); got != want {
			t.Errorf("%q.Intersects(%q) = %v, oracle says %v", a, b, got, want)
		}
		if got, want := a.Includes(b), oracleIncludes(ca, cb); got != want {
			t.Errorf("%q.Includes(%q) = %v, oracle says %v", a, b, got, want)
		}
		for range 4 {
			key := randomKeyFor(r, a.String())
			if got, want := a.Matches(key), oracleMatch(ca, strings.Split(key, "/")); got != want {
				t.Errorf("%q.Matches(%q) = %v, oracle says %v", a, key, got, want)
			}
		}
	}
}
