// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
)

// got is the URL that the "regtest" scheme was last opened with.
var got *url.URL

func init() {
	backend.Register("regtest", func(_ context.Context, u *url.URL) (backend.Backend, error) {
		got = u
		return memory.New(), nil
	})
}

func TestRegister(t *testing.T) {
	require.Contains(t, backend.Schemes(), "regtest")
	require.Contains(t, backend.Schemes(), "memory")

	b, err := backend.OpenURL(context.Background(), "RegTest://host/a/b?x=1")
	require.NoError(t, err)
	require.NoError(t, b.Close(context.Background()))
	require.Equal(t, "regtest", got.Scheme)
	require.Equal(t, "host", got.Host)
	require.Equal(t, "/a/b", got.Path)
	require.Equal(t, "1", got.Query().Get("x"))

	open := func(context.Context, *url.URL) (backend.Backend, error) { return nil, nil }
	require.PanicsWithValue(t, "backend: Register called twice for scheme regtest", func() { backend.Register("regtest", open) })
	require.Panics(t, func() { backend.Register("other", nil) })
	require.Panics(t, func() { backend.Register("Upper", open) })
	require.Panics(t, func() { backend.Register("", open) })
}

func TestOpenURLErrors(t *testing.T) {
	ctx := context.Background()
	_, err := backend.OpenURL(ctx, "nosuch://user:pw@b/p?k=v")
	require.EqualError(t, err, `backend: open url "nosuch://b/p": unknown scheme "nosuch" (registered: `+joinSchemes()+`; a backend registers its scheme when its package is imported)`)
	_, err = backend.OpenURL(ctx, "relative/path")
	require.ErrorContains(t, err, `backend: open url "relative/path": no scheme`)
	_, err = backend.OpenURL(ctx, "s3://a:pw@b%zz")
	require.EqualError(t, err, "backend: open url: not a valid URL")
}

func joinSchemes() string {
	s := ""
	for i, scheme := range backend.Schemes() {
		if i > 0 {
			s += ", "
		}
		s += scheme
	}
	return s
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"s3://AKIA:secret@bucket/p/q?token=secret#frag": "s3://bucket/p/q",
		"memory:":                       "memory:",
		"memory:?x=secret":              "memory:",
		"rocksdb:///var/db?create=true": "rocksdb:///var/db",
		"rocksdb:rel/db":                "rocksdb:rel/db",
	} {
		u, err := url.Parse(in)
		require.NoError(t, err)
		require.Equal(t, want, backend.RedactURL(u), in)
	}
}

func TestURLParams(t *testing.T) {
	parse := func(s string) *backend.URLParams {
		u, err := url.Parse(s)
		require.NoError(t, err)
		return backend.NewURLParams("x", u)
	}
	p := parse("x:?a=true&b=0&c&d=off&e=hello")
	require.True(t, p.Bool("a", false))
	require.False(t, p.Bool("b", true))
	require.True(t, p.Bool("c", false))
	require.False(t, p.Bool("d", true))
	require.True(t, p.Bool("missing", true))
	require.Equal(t, "hello", p.String("e", ""))
	require.Equal(t, "def", p.String("f", "def"))
	require.NoError(t, p.Err())

	p = parse("x:?a=maybe")
	require.False(t, p.Bool("a", false))
	require.EqualError(t, p.Err(), `x: url: parameter a: "maybe" is not a boolean (true or false)`)

	p = parse("x:?a=1&a=2")
	p.String("a", "")
	require.EqualError(t, p.Err(), "x: url: parameter a is given 2 times")

	p = parse("x:?zeta=secret&alpha=secret&known=1")
	p.Bool("known", false)
	require.EqualError(t, p.Err(), "x: url: unknown parameter alpha, zeta (known: known)")

	p = parse("x:?a=%zz")
	require.EqualError(t, p.Err(), "x: url: the query is not valid")
}
