// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"fmt"
	"github.com/stratakv/strata/keyexpr"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
)

func TestScanOptions(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "s/**", StripPrefix: "s"})
	for i := range 5 {
		_, err := f.store.Put(bg, fmt.Sprintf("s/%d", i), []byte{byte('a' + i)})
		require.NoError(t, err)
	}
	_, err := f.store.Delete(bg, "s/2")
	require.NoError(t, err)

	scan := func(sel string, o *strata.ScanOptions) []string {
		var out []string
		for smp, err := range f.store.Scan(bg, sel, o) {
			require.NoError(t, err)
			if o != nil && o.MetadataOnly {
				require.Nil(t, smp.Value)
			}
			out = append(out, fmt.Sprintf("%s:%s:%s", smp.Key, smp.Kind, smp.Value))
		}
		return out
	}
	require.Equal(t, []string{"s/0:put:a", "s/1:put:b", "s/3:put:d", "s/4:put:e"}, scan("s/*", nil))
	require.Equal(t, []string{"s/0:put:", "s/1:put:", "s/2:delete:", "s/3:put:", "s/4:put:"},
		scan("s/*", &strata.ScanOptions{MetadataOnly: true, Tombstones: true}))
	require.Equal(t, []string{"s/2:delete:", "s/3:put:d", "s/4:put:e"}, scan("s/*", &strata.ScanOptions{Start: "s/2", Tombstones: true}))
	require.Equal(t, []string{"s/0:put:a", "s/1:put:b", "s/3:put:d", "s/4:put:e"}, scan("s/**", &strata.ScanOptions{Start: "s"}))
	require.Empty(t, scan("s/*", &strata.ScanOptions{Start: "t"}))
	require.Equal(t, []string{"s/2:delete:"}, scan("s/2", &strata.ScanOptions{Tombstones: true}))
	require.Empty(t, scan("s/2", nil))
}

// TestWildcardGetScansOnlyUnderItsPrefix checks what the backend is asked:
// a concrete get is one lookup, a wildcard get one scan under the literal
// prefix of the selector.
func TestWildcardGetScansOnlyUnderItsPrefix(t *testing.T) {
	cases := []struct {
		keyExpr, strip, selector, prefix string
	}{
		{"demo/**", "", "demo/a/**", "demo/a"},
		{"demo/**", "", "demo/*/x", "demo/"},
		{"demo/**", "", "demo/ro$*/**", "demo/ro"},
		{"demo/**", "demo", "demo/a/**", "a"},
		{"demo/**", "demo", "demo/**", ""},
		{"demo/**", "demo", "**", ""},
		{"demo/x/**", "demo/x", "demo/*/y", ""},
	}
	for _, tc := range cases {
		r := &recorder{Backend: memory.New()}
		s, err := strata.Open(bg, r, &strata.Options{KeyExpr: tc.keyExpr, StripPrefix: tc.strip, GCInterval: -1})
		require.NoError(t, err)
		for range s.Get(bg, tc.selector) {
		}
		require.Equal(t, []string{tc.prefix}, r.prefixes, "%s over %s strip %q", tc.selector, tc.keyExpr, tc.strip)
		require.NoError(t, s.Close(bg))
	}
	r := &recorder{Backend: memory.New()}
	s, err := strata.Open(bg, r, &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	defer s.Close(bg)
	for range s.Get(bg, "demo/a/b") {
	}
	require.Empty(t, r.prefixes)
	require.Equal(t, 1, r.gets, "a concrete get is one lookup")
}

// TestGetMatchesLikeKeyexpr checks wildcard gets over a store with a strip
// prefix against keyexpr matching of every stored key.
func TestGetMatchesLikeKeyexpr(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "site/**", StripPrefix: "site"})
	keys := []string{"site", "site/a", "site/a/b", "site/a/b/c", "site/ab", "site/b/a", "site/x/y/z"}
	f2 := open(t, strata.Options{KeyExpr: "site/**/@v", StripPrefix: "site"})
	for _, k := range keys {
		_, err := f.store.Put(bg, k, []byte(k))
		require.NoError(t, err)
	}
	_, err := f2.store.Put(bg, "site/b/@v", []byte("v"))
	require.NoError(t, err)
	for _, sel := range []string{"**", "site/**", "site/*", "site/a/**", "site/*/b/**", "*/a", "site/a$*", "site/$*b", "**/b", "site/**/c", "site/*/*/*", "site/**/@v"} {
		want := []string{}
		expr := keyexpr.MustParse(sel)
		for _, k := range keys {
			if expr.Matches(k) {
				want = append(want, k)
			}
		}
		got := f.keys(sel)
		if got == nil {
			got = []string{}
		}
		require.Equal(t, want, got, "selector %q", sel)
	}
	require.Equal(t, []string{"site/b/@v"}, f2.keys("site/**/@v"))
	require.Equal(t, []string{"site/b/@v"}, f2.keys("site/*/@v"))
}

// The selectors "L/**" take a fast path that matches no key expression:
// it must agree with keyexpr on every key, verbatim chunks included, with
// and without a strip prefix.
func TestSubtreeSelectorsMatchLikeKeyexpr(t *testing.T) {
	keys := []string{"site", "site/a", "site/a/b", "site/ab", "site/a/@v", "site/@v", "site/@v/a", "site/a/b/@w/c", "site/b/a"}
	for _, strip := range []string{"", "site"} {
		f := open(t, strata.Options{KeyExpr: "site/**", StripPrefix: strip})
		fv := open(t, strata.Options{KeyExpr: "site/@v/**", StripPrefix: strip})
		fw := open(t, strata.Options{KeyExpr: "site/**/@v", StripPrefix: strip})
		fx := open(t, strata.Options{KeyExpr: "site/*/b/@w/c", StripPrefix: strip})
		for _, k := range keys {
			for _, g := range []*fixture{f, fv, fw, fx} {
				if keyexpr.MustParse(g.store.KeyExpr()).Matches(k) {
					_, err := g.store.Put(bg, k, []byte(k))
					require.NoError(t, err)
				}
			}
		}
		for _, sel := range []string{"site/**", "site/a/**", "site/@v/**", "site/a/b/**", "site/b/**"} {
			for _, g := range []*fixture{f, fv, fw, fx} {
				want := []string{}
				scope := keyexpr.MustParse(g.store.KeyExpr())
				for _, k := range keys {
					if scope.Matches(k) && keyexpr.MustParse(sel).Matches(k) {
						want = append(want, k)
					}
				}
				got := g.keys(sel)
				if got == nil {
					got = []string{}
				}
				require.Equal(t, want, got, "selector %q on %q, strip %q", sel, g.store.KeyExpr(), strip)
			}
		}
	}
}

// A store of "L/**" (or "**") tells the keys in its scope by a fast path
// that matches no key expression: it must agree with keyexpr on every key,
// verbatim chunks included.
func TestSubtreeScopeMatchesLikeKeyexpr(t *testing.T) {
	keys := []string{"site", "site/a", "site/a/b", "site/ab", "sit", "sitex/a", "site/a/@v", "site/@v", "site/@v/a",
		"@v", "@v/a", "a/@v", "other/site"}
	for _, expr := range []string{"**", "site/**", "site/@v/**", "@v/**", "site/*/**", "site/**/@v", "site/a$*/**"} {
		f := open(t, strata.Options{KeyExpr: expr})
		scope := keyexpr.MustParse(f.store.KeyExpr())
		for _, k := range keys {
			_, err := f.store.Put(bg, k, []byte(k))
			_, lerr := f.store.Lookup(bg, k)
			if scope.Matches(k) {
				require.NoError(t, err, "put %q in %q", k, expr)
				require.NoError(t, lerr, "lookup %q in %q", k, expr)
			} else {
				require.ErrorIs(t, err, strata.ErrOutOfScope, "put %q in %q", k, expr)
				require.ErrorIs(t, lerr, strata.ErrOutOfScope, "lookup %q in %q", k, expr)
			}
		}
	}
}
