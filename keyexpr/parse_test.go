// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	for _, s := range []string{
		"a", "a/b/c", "*", "**", "a/**", "**/a", "*/**", "*/*/**", "a/*/b/**/c",
		"a$*", "$*a", "a$*b$*c", "@a", "@a/**", "a/@b/*", "@", "é/ü/日本",
		"**/a/**", "a-b_c.d:e=f g", "a$*/*",
		// Zenoh accepts '$*' in a verbatim chunk, where it is literal text.
		"@a$*", "@a$*/**", "x/@$*b/*", "@$*", "@a$*b$*",
	} {
		k, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q): %v", s, err)
			continue
		}
		if k.String() != s {
			t.Errorf("Parse(%q).String() = %q", s, k)
		}
		if c, err := Canonize(s); err != nil || c != k {
			t.Errorf("Canonize(%q) = %q, %v", s, c, err)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		s      string
		chunk  int
		reason string // a substring of Reason
	}{
		{"", -1, "empty expression"},
		{"/a", 0, "empty chunk"},
		{"a/", 1, "empty chunk"},
		{"a//b", 1, "empty chunk"},
		{"/", 0, "empty chunk"},
		{"a/b#", 1, "'#'"},
		{"a?/b", 0, "'?'"},
		{"a*", 0, "'*' may only"},
		{"*a", 0, "'*' may only"},
		{"***", 0, "'*' may only"},
		{"a/$", 1, "'$' may only"},
		{"a$b", 0, "'$' may only"},
		{"$*$", 0, "'$' may only"},
		{"a$**", 0, "'*' may only"},
		{"@a*", 0, "'*' may only"},
		{"x/@*", 1, "'*' may only"},
		{"x/@a$", 1, "'$' may only"},
		{"@a$**", 0, "'*' may only"},
		{"@a$*$", 0, "'$' may only"},
		{"a/\xff", 1, "UTF-8"},
	}
	for _, tt := range tests {
		for _, parse := range []func(string) (KeyExpr, error){Parse, Canonize} {
			k, err := parse(tt.s)
			if err == nil {
				t.Errorf("%q: accepted as %q", tt.s, k)
				continue
			}
			checkError(t, err, tt.s, tt.chunk, tt.reason)
		}
	}
}

func TestParseNotCanonical(t *testing.T) {
	tests := []struct {
		s      string
		chunk  int
		reason string
		canon  string
	}{
		{"**/**", 1, "'**/**'", "**"},
		{"**/*", 1, "'**/*'", "*/**"},
		{"a/**/*/b", 2, "'**/*'", "a/*/**/b"},
		{"**/*/**/*", 1, "'**/*'", "*/*/**"},
		{"**/**/**/a/**/*/*/**", 1, "'**/**'", "**/a/*/*/**"},
		{"$*", 0, "'$*' is not canonical (write '*')", "*"},
		{"a/$*$*", 1, "'$*$*'", "a/*"},
		{"a$*$*b", 0, "'$*$*'", "a$*b"},
		{"a$*$*$*b$*$*", 0, "'$*$*'", "a$*b$*"},
		{"$*/**/$*", 0, "'$*'", "*/*/**"},
		{"**/$*", 1, "'$*'", "*/**"},
		{"@a$*$*", 0, "'$*$*'", "@a$*"},
		{"x/@$*$*b/**/**", 1, "'$*$*'", "x/@$*b/**"},
	}
	for _, tt := range tests {
		k, err := Parse(tt.s)
		if err == nil {
			t.Errorf("Parse(%q): accepted as %q", tt.s, k)
		} else {
			checkError(t, err, tt.s, tt.chunk, tt.reason)
		}
		k, err = Canonize(tt.s)
		if err != nil || k.String() != tt.canon {
			t.Errorf("Canonize(%q) = %q, %v; want %q", tt.s, k, err, tt.canon)
		}
	}
}

func checkError(t *testing.T, err error, s string, chunk int, reason string) {
	t.Helper()
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("%q: error %v is not ErrInvalid", s, err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error %v is not an *Error", s, err)
	}
	if e.Expr != s || e.Chunk != chunk || !strings.Contains(e.Reason, reason) {
		t.Errorf("%q: got %+v, want chunk %d and a reason with %q", s, *e, chunk, reason)
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse("a//b")
	if got, want := err.Error(), `keyexpr: invalid key expression "a//b": chunk 1: empty chunk`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = Parse("")
	if got, want := err.Error(), `keyexpr: invalid key expression "": empty expression`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("MustParse accepted a//b")
		} else if err, ok := r.(error); !ok || !errors.Is(err, ErrInvalid) {
			t.Errorf("MustParse panicked with %v", r)
		}
	}()
	MustParse("a//b")
}

func TestValidateKey(t *testing.T) {
	for _, s := range []string{"a", "a/b/c", "@a/b", "é/日本", "a b/c-d", "@a$*", "x/@$*b$*/c"} {
		if err := ValidateKey(s); err != nil {
			t.Errorf("ValidateKey(%q): %v", s, err)
		}
	}
	tests := []struct {
		s      string
		chunk  int
		reason string
	}{
		{"", -1, "empty key"},
		{"/a", 0, "empty chunk"},
		{"a/", 1, "empty chunk"},
		{"a//b", 1, "empty chunk"},
		{"a/*", 1, "'*'"},
		{"a/**", 1, "'*'"},
		{"a/b$*", 1, "'$'"},
		{"a#", 0, "'#'"},
		{"a/b/c?", 2, "'?'"},
		{"a/b/\xffc", 2, "UTF-8"},
		{"a/@b*", 1, "'*' may only follow '$'"},
		{"@b/$*", 1, "'$' outside a verbatim chunk"},
		{"@a$", 0, "'$' may only"},
		{"x/@a$b", 1, "'$' may only"},
		{"@a$*$*", 0, "may not be followed by '$'"},
		{"@a$**", 0, "'*' may only follow '$'"},
		{"@a$*/*", 1, "wildcard '*'"},
	}
	for _, tt := range tests {
		err := ValidateKey(tt.s)
		if err == nil {
			t.Errorf("ValidateKey(%q) accepted it", tt.s)
			continue
		}
		checkError(t, err, tt.s, tt.chunk, tt.reason)
	}
}

func TestAccessors(t *testing.T) {
	tests := []struct {
		s      string
		wild   bool
		prefix string
	}{
		{"demo/**/test/**", true, "demo"},
		{"dem$*", true, ""},
		{"a/b/c", false, "a/b/c"},
		{"a/b/c$*/d", true, "a/b"},
		{"@a/b/*", true, "@a/b"},
		{"**", true, ""},
		{"*/a", true, ""},
		{"@a$*", false, "@a$*"},
		{"x/@a$*/b", false, "x/@a$*/b"},
		{"@a$*/b/*", true, "@a$*/b"},
		{"@a$*/b$*/c", true, "@a$*"},
	}
	for _, tt := range tests {
		k := MustParse(tt.s)
		if k.IsWild() != tt.wild || k.NonWildPrefix() != tt.prefix || k.IsZero() {
			t.Errorf("%q: IsWild %v, NonWildPrefix %q, IsZero %v", tt.s, k.IsWild(), k.NonWildPrefix(), k.IsZero())
		}
	}
	var zero KeyExpr
	if !zero.IsZero() || zero.String() != "" || zero.IsWild() || zero.NonWildPrefix() != "" {
		t.Error("zero KeyExpr accessors")
	}
}

func TestPrefixHelpers(t *testing.T) {
	joins := [][3]string{
		{"a/b", "c", "a/b/c"}, {"a/b", "", "a/b"}, {"", "c", "c"}, {"", "", ""}, {"a", "b/c", "a/b/c"},
		// A junction that forms '**/*' or '**/**' is canonized.
		{"a/**", "*", "a/*/**"}, {"a/**", "**", "a/**"}, {"**", "*", "*/**"},
		{"a/*/**", "*/*/b", "a/*/*/*/**/b"}, {"a/**", "**/b", "a/**/b"},
		{"a/**", "*/**/c", "a/*/**/c"}, {"**", "**", "**"},
		// Anything else is joined as it is.
		{"a/**", "b/*", "a/**/b/*"}, {"a/*", "*", "a/*/*"}, {"a/x**", "*", "a/x**/*"},
		{"a/**", "*x", "a/**/*x"}, {"@a$*/**", "@b", "@a$*/**/@b"},
	}
	for _, j := range joins {
		if got := Join(j[0], j[1]); got != j[2] {
			t.Errorf("Join(%q, %q) = %q, want %q", j[0], j[1], got, j[2])
		}
	}
	strips := []struct {
		key, prefix, rest string
		ok                bool
	}{
		{"a/b/c", "a/b", "c", true},
		{"a/b", "a/b", "", true},
		{"a/bc", "a/b", "", false},
		{"a/b", "", "a/b", true},
		{"a", "a/b", "", false},
		{"b/a", "a", "", false},
		{"a/b/c", "a", "b/c", true},
	}
	for _, s := range strips {
		rest, ok := StripPrefix(s.key, s.prefix)
		if rest != s.rest || ok != s.ok {
			t.Errorf("StripPrefix(%q, %q) = %q, %v; want %q, %v", s.key, s.prefix, rest, ok, s.rest, s.ok)
		}
		if HasChunkPrefix(s.key, s.prefix) != s.ok {
			t.Errorf("HasChunkPrefix(%q, %q) = %v", s.key, s.prefix, !s.ok)
		}
		if ok && Join(s.prefix, rest) != s.key {
			t.Errorf("Join(%q, %q) != %q", s.prefix, rest, s.key)
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	a, b := MustParse("demo/example/**"), MustParse("demo/*/test")
	c, d := MustParse("**/a/*/**"), MustParse("*/a/**/b$*/@c")
	key := "fleet/robot/7/pose"
	f := MustParse("fleet/robot/*/pose")
	n := testing.AllocsPerRun(100, func() {
		_ = a.Intersects(b)
		_ = a.Includes(b)
		_ = c.Intersects(d)
		_ = c.Includes(d)
		_ = f.Matches(key)
		_ = ValidateKey(key)
		_, _ = Parse("a/*/b/**")
		_, _ = Canonize("a/*/b/**")
		_ = a.NonWildPrefix()
		_, _ = StripPrefix(key, "fleet")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
