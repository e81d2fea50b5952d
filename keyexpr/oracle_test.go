// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
)

// A slow model of the semantics, written independently of the package code:
// chunk patterns become regular expressions, whole expressions are matched by
// a dynamic program that follows the definition, and Intersects and Includes
// are decided by exploring automata over an explicit universe of chunks.

// universe is the alphabet of the automata: every string over {a, b, z} of
// 1 to 4 bytes, and the verbatim chunks, last. For the expressions built by
// randomExpr (chunk patterns of at most three tokens over a, b, '$*'), it
// holds a witness for every intersection and a counterexample for every
// failed inclusion: 'z' appears in no pattern, so it plays the "generic"
// filler of a wildcard. A verbatim chunk is its own only witness; those
// with '$*' ("@a$*", where it is literal text) are keys too.
var universe = func() []string {
	var u []string
	var gen func(prefix string)
	gen = func(prefix string) {
		if prefix != "" {
			u = append(u, prefix)
		}
		if len(prefix) == 4 {
			return
		}
		for _, c := range []string{"a", "b", "z"} {
			gen(prefix + c)
		}
	}
	gen("")
	return append(u, verbatims...)
}()

// verbatims are the verbatim chunks of universe, at its end.
var verbatims = []string{"@a", "@b", "@a$*", "@$*"}

// plainUniverse is universe without the verbatim chunks.
var plainUniverse = universe[:len(universe)-len(verbatims)]

var regexps sync.Map // chunk pattern -> *regexp.Regexp

// oracleChunk reports whether the chunk pattern p (any valid chunk, possibly
// not canonical, not "**") matches the chunk c.
func oracleChunk(p, c string) bool {
	if strings.HasPrefix(p, "@") || strings.HasPrefix(c, "@") {
		// Verbatim text is literal; only the spelling '$*$*' of '$*' in a
		// pattern that is not canonical differs from the key's.
		for strings.Contains(p, "$*$*") {
			p = strings.ReplaceAll(p, "$*$*", "$*")
		}
		return p == c
	}
	if c == "" {
		return false
	}
	if p == "*" {
		return true
	}
	// Only the patterns and chunks of the generated tests are cached, so
	// that fuzzing does not grow the caches without bound.
	cache := len(p)+len(c) <= 16 && strings.Trim(p+c, "abz@$*") == ""
	if cache {
		if m, ok := chunkResults.Load([2]string{p, c}); ok {
			return m.(bool)
		}
	}
	var re *regexp.Regexp
	if r, ok := regexps.Load(p); ok {
		re = r.(*regexp.Regexp)
	} else {
		re = regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(p), `\$\*`, "(?s:.*)") + "$")
		if cache {
			regexps.Store(p, re)
		}
	}
	m := re.MatchString(c)
	if cache {
		chunkResults.Store([2]string{p, c}, m)
	}
	return m
}

var chunkResults sync.Map // [2]string{pattern, chunk} -> bool

// oracleMatch reports whether the pattern chunks p match the key chunks k,
// with m[i][j] meaning that p[i:] matches k[j:].
func oracleMatch(p, k []string) bool {
	n, l := len(p), len(k)
	m := make([][]bool, n+1)
	for i := range m {
		m[i] = make([]bool, l+1)
	}
	m[n][l] = true
	for i := n - 1; i >= 0; i-- {
		for j := l; j >= 0; j-- {
			if p[i] == "**" {
				m[i][j] = m[i+1][j] || j < l && !strings.HasPrefix(k[j], "@") && m[i][j+1]
			} else {
				m[i][j] = j < l && oracleChunk(p[i], k[j]) && m[i+1][j+1]
			}
		}
	}
	return m[0][0]
}

var tables sync.Map // chunk pattern -> []bool, whether it matches each chunk of universe

// oracleStep returns the state of pattern p reached from state i by the
// chunk universe[u], if any.
func oracleStep(p []string, i, u int) (int, bool) {
	switch {
	case i == len(p):
		return 0, false
	case p[i] == "**":
		return i, !strings.HasPrefix(universe[u], "@")
	}
	t, ok := tables.Load(p[i])
	if !ok {
		m := make([]bool, len(universe))
		for v, c := range universe {
			m[v] = oracleChunk(p[i], c)
		}
		t, _ = tables.LoadOrStore(p[i], m)
	}
	if t.([]bool)[u] {
		return i + 1, true
	}
	return 0, false
}

// oracleIntersects explores the product of the two patterns' automata.
func oracleIntersects(a, b []string) bool {
	type node struct{ i, j int }
	seen := map[node]bool{}
	queue := []node{{0, 0}}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if seen[x] {
			continue
		}
		seen[x] = true
		if x.i == len(a) && x.j == len(b) {
			return true
		}
		if x.i < len(a) && a[x.i] == "**" {
			queue = append(queue, node{x.i + 1, x.j})
		}
		if x.j < len(b) && b[x.j] == "**" {
			queue = append(queue, node{x.i, x.j + 1})
		}
		for u := range universe {
			i, ok1 := oracleStep(a, x.i, u)
			j, ok2 := oracleStep(b, x.j, u)
			if ok1 && ok2 {
				queue = append(queue, node{i, j})
			}
		}
	}
	return false
}

// oracleIncludes looks for a key of b that a misses, running b's automaton
// against the determinized automaton of a (subsets of states as bitmasks).
func oracleIncludes(a, b []string) bool {
	closeA := func(s uint64) uint64 {
		for i := range a {
			if a[i] == "**" && s&(1<<i) != 0 {
				s |= 1 << (i + 1)
			}
		}
		return s
	}
	type node struct {
		j int
		s uint64
	}
	seen := map[node]bool{}
	queue := []node{{0, closeA(1)}}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if seen[x] {
			continue
		}
		seen[x] = true
		if x.j == len(b) && x.s&(1<<len(a)) == 0 {
			return false
		}
		if x.j < len(b) && b[x.j] == "**" {
			queue = append(queue, node{x.j + 1, x.s})
		}
		for u := range universe {
			j, ok := oracleStep(b, x.j, u)
			if !ok {
				continue
			}
			var s uint64
			for i := 0; i <= len(a); i++ {
				if x.s&(1<<i) != 0 {
					if i2, ok := oracleStep(a, i, u); ok {
						s |= 1 << i2
					}
				}
			}
			queue = append(queue, node{j, closeA(s)})
		}
	}
	return true
}

// chunkPool is what randomExpr draws chunks from; the first ones are not
// canonical on their own, and a run of '*' and '**' may not be either.
var chunkPool = []string{
	"$*", "$*$*", "a$*$*", "$*$*b$*",
	"*", "**", "*", "**", "@a", "@b", "a", "b", "ab", "ba", "aba",
	"@a$*", "@$*", "@a$*$*",
	"a$*", "$*a", "b$*", "$*b", "$*a$*", "a$*b", "b$*a", "a$*a", "ab$*", "$*ab",
}

// randomExpr returns a valid expression of 1 to maxChunks chunks, canonical
// or not, with chunk patterns of at most three tokens over a, b and '$*'.
func randomExpr(r *rand.Rand, maxChunks int) string {
	n := 1 + r.IntN(maxChunks)
	chunks := make([]string, n)
	for i := range chunks {
		chunks[i] = chunkPool[r.IntN(len(chunkPool))]
	}
	return strings.Join(chunks, "/")
}

// randomKeyFor returns a concrete key that is likely, but not certain, to be
// matched by the valid expression e: its wildcards are filled at random, and
// some chunks are replaced by random ones.
func randomKeyFor(r *rand.Rand, e string) string {
	var out []string
	fill := []string{"", "a", "b", "z", "ab", "za"}
	for _, c := range strings.Split(e, "/") {
		if r.IntN(8) == 0 {
			c = universe[r.IntN(len(universe))]
		}
		switch {
		case c == "*":
			out = append(out, universe[r.IntN(len(universe))])
		case c == "**":
			for range r.IntN(3) {
				out = append(out, plainUniverse[r.IntN(len(plainUniverse))])
			}
		case strings.HasPrefix(c, "@"): // literal: the key holds it canonized
			for strings.Contains(c, "$*$*") {
				c = strings.ReplaceAll(c, "$*$*", "$*")
			}
			out = append(out, c)
		default:
			for strings.Contains(c, "$*") {
				c = strings.Replace(c, "$*", fill[r.IntN(len(fill))], 1)
			}
			if c == "" {
				c = "z"
			}
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		out = append(out, "a")
	}
	return strings.Join(out, "/")
}
