// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
)

func TestOpenURLMemory(t *testing.T) {
	for _, u := range []string{"memory:", "memory://", "MEMORY:"} {
		s, err := strata.OpenURL(bg, u, &strata.Options{KeyExpr: "demo/**"})
		require.NoError(t, err, u)
		_, err = s.Put(bg, "demo/a", []byte("1"))
		require.NoError(t, err)
		smp, err := s.Lookup(bg, "demo/a")
		require.NoError(t, err)
		require.Equal(t, "1", string(smp.Value))
		require.NoError(t, s.Close(bg))
	}
}

func TestOpenURLErrors(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"memory:", `strata: open "memory:": Options.KeyExpr is required: the backend holds no store yet`},
		{"nosuch://bucket/p", `strata: open "nosuch://bucket/p": backend: open url "nosuch://bucket/p": unknown scheme "nosuch" (registered: `},
		{"/var/lib/strata", `strata: open "/var/lib/strata": backend: open url "/var/lib/strata": no scheme`},
		{"memory:?size=10", `strata: open "memory:": memory: url: unknown parameter size`},
		{"memory:name", `strata: open "memory:name": memory: url "memory:name": takes no name or path`},
		{"memory://host", `takes no name or path`},
		{"%zz:", `strata: open (an invalid URL): backend: open url: not a valid URL`},
	} {
		_, err := strata.OpenURL(bg, tc.url, nil)
		require.Error(t, err, tc.url)
		require.Contains(t, err.Error(), tc.want, tc.url)
		require.Equal(t, 1, strings.Count(err.Error(), "strata:"), err.Error())
	}
	// With options the memory backend takes no parameters either.
	_, err := strata.OpenURL(bg, "memory:?create=true", &strata.Options{KeyExpr: "a/**"})
	require.ErrorContains(t, err, "unknown parameter create")
	_, err = strata.OpenURL(bg, "memory:", &strata.Options{KeyExpr: "a//b"})
	require.ErrorIs(t, err, strata.ErrInvalidKey)
}

func TestOpenURLHidesSecrets(t *testing.T) {
	const secret = "hunter2-s3cr3t"
	for _, u := range []string{
		"nosuch://AKIA:" + secret + "@bucket/p",
		"nosuch://bucket/p?secret_key=" + secret,
		"memory:?secret_key=" + secret,
		"memory://AKIA:" + secret + "@/",
		"memory:?token=" + secret + "&token=" + secret,
		"s3://AKIA:" + secret + "@bucket%zz/p",
		"rocksdb:///tmp/x?password=" + secret,
	} {
		_, err := strata.OpenURL(bg, u, &strata.Options{KeyExpr: "a/**"})
		require.Error(t, err, u)
		require.NotContains(t, err.Error(), secret)
	}
}

// shared is a registered scheme whose backends are views of one memory
// backend that outlives them, so that a test can reopen a store by URL.
var shared = struct {
	be     backend.Backend
	closes atomic.Int64
}{be: memory.New()}

type view struct{ backend.Backend }

func (view) Close(context.Context) error { shared.closes.Add(1); return nil }

func init() {
	backend.Register("strata-test-shared", func(context.Context, *url.URL) (backend.Backend, error) {
		return view{shared.be}, nil
	})
}

func TestOpenURLReopensWithRecordedConfig(t *testing.T) {
	const u = "strata-test-shared:"
	s, err := strata.OpenURL(bg, u, &strata.Options{KeyExpr: "demo/**", StripPrefix: "demo"})
	require.NoError(t, err)
	_, err = s.Put(bg, "demo/a", []byte("1"))
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))

	cfg, err := strata.ReadStoreConfig(bg, shared.be)
	require.NoError(t, err)
	require.Equal(t, strata.StoreConfig{KeyExpr: "demo/**", StripPrefix: "demo"}, cfg)

	for _, opts := range []*strata.Options{nil, {ReadOnly: true}, {KeyExpr: "demo/**", StripPrefix: "demo"}} {
		s, err = strata.OpenURL(bg, u, opts)
		require.NoError(t, err)
		require.Equal(t, "demo/**", s.KeyExpr())
		require.Equal(t, "demo", s.StripPrefix())
		smp, err := s.Lookup(bg, "demo/a")
		require.NoError(t, err)
		require.Equal(t, "1", string(smp.Value))
		require.NoError(t, s.Close(bg))
	}

	// A different configuration is refused, and the backend is closed.
	before := shared.closes.Load()
	_, err = strata.OpenURL(bg, u, &strata.Options{KeyExpr: "other/**"})
	require.ErrorIs(t, err, strata.ErrIncompatible)
	require.Equal(t, before+1, shared.closes.Load())
	_, err = strata.OpenURL(bg, u, &strata.Options{StripPrefix: "demo/x"})
	require.ErrorContains(t, err, `StripPrefix "demo/x"`)
	require.Equal(t, before+2, shared.closes.Load())
}

func TestReadStoreConfig(t *testing.T) {
	be := memory.New()
	_, err := strata.ReadStoreConfig(bg, be)
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.True(t, strings.HasPrefix(err.Error(), "strata: "), err.Error())

	for _, opts := range []strata.Options{
		{KeyExpr: "a/**"},
		{KeyExpr: "a/b/**/c", StripPrefix: "a/b"},
		{KeyExpr: "demo/**/*"}, // recorded canonized: demo/*/**
	} {
		be := memory.New()
		opts.GCInterval = -1
		s, err := strata.Open(bg, keepOpen{be}, &opts)
		require.NoError(t, err)
		require.NoError(t, s.Close(bg))
		cfg, err := strata.ReadStoreConfig(bg, be)
		require.NoError(t, err)
		require.Equal(t, strata.StoreConfig{KeyExpr: s.KeyExpr(), StripPrefix: opts.StripPrefix}, cfg)
	}

	require.NoError(t, be.PutMeta(bg, "strata/config", []byte("strata-config v9\n")))
	_, err = strata.ReadStoreConfig(bg, be)
	require.ErrorIs(t, err, strata.ErrIncompatible)
}
