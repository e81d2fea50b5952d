// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

// TestErrorPrefixOnce walks representative errors of every operation and
// checks that each message starts with "strata: " and holds "strata:" only
// there, and that errors.Is still finds the sentinel.
func TestErrorPrefixOnce(t *testing.T) {
	for _, sentinel := range []error{
		strata.ErrInvalidKey, strata.ErrOutOfScope, strata.ErrReadOnly, strata.ErrClosed,
		strata.ErrTooLarge, strata.ErrInvalidSample, strata.ErrIncompatible,
		strata.ErrNotFound, strata.ErrLagged, strata.ErrWildcardLimit,
	} {
		require.NotContains(t, sentinel.Error(), "strata", "a sentinel's text carries no prefix")
	}

	f := open(t, strata.Options{KeyExpr: "demo/**", MaxValueSize: 8, Logger: slog.New(slog.DiscardHandler)})
	s := f.store
	ro, err := strata.Open(bg, keepOpen{f.be}, &strata.Options{KeyExpr: "demo/**", ReadOnly: true, GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = ro.Close(bg) })
	boom := errors.New("disk on fire")
	broken, err := strata.Open(bg, failing{memory.New(), boom}, &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = broken.Close(bg) })
	closed, err := strata.Open(bg, memory.New(), &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	require.NoError(t, closed.Close(bg))

	lagging := s.SubscribeWith(bg, "demo/**", &strata.SubscribeOptions{Buffer: 1})
	for range 2 {
		_, err := s.Put(bg, "demo/lag", []byte("x"))
		require.NoError(t, err)
	}

	putErr := func(s *strata.Store, key string, value string) error {
		_, err := s.Put(bg, key, []byte(value))
		return err
	}
	delErr := func(s *strata.Store, expr string) error {
		_, err := s.Delete(bg, expr)
		return err
	}
	applyErr := func(smp strata.Sample) error {
		_, err := s.Apply(bg, smp)
		return err
	}
	lookupErr := func(s *strata.Store, key string) error {
		_, err := s.Lookup(bg, key)
		return err
	}
	first := func(seq func(func(strata.Sample, error) bool)) error {
		for _, err := range seq {
			if err != nil {
				return err
			}
		}
		return nil
	}
	batchErr := func(s *strata.Store) error {
		_, err := s.ApplyBatch(bg, []strata.Sample{put("other/a", "1", f.ts(1, 2)), put("demo/b", "1", f.ts(2, 2))})
		return err
	}
	openErr := func(opts *strata.Options) error {
		_, err := strata.Open(bg, keepOpen{f.be}, opts)
		return err
	}

	for _, tc := range []struct {
		name string
		err  error
		is   error
	}{
		{"put out of scope", putErr(s, "other/a", "1"), strata.ErrOutOfScope},
		{"put invalid key", putErr(s, "demo//a", "1"), strata.ErrInvalidKey},
		{"put too large", putErr(s, "demo/a", "123456789"), strata.ErrTooLarge},
		{"put read-only", putErr(ro, "demo/a", "1"), strata.ErrReadOnly},
		{"put closed", putErr(closed, "demo/a", "1"), strata.ErrClosed},
		{"put backend error", putErr(broken, "demo/a", "1"), nil},
		{"delete invalid expression", delErr(s, "demo/**/#"), strata.ErrInvalidKey},
		{"delete out of scope", delErr(s, "other/**"), strata.ErrOutOfScope},
		{"delete closed", delErr(closed, "demo/*"), strata.ErrClosed},
		{"apply invalid sample", applyErr(strata.Sample{Key: "demo/a", Kind: 9}), strata.ErrInvalidSample},
		{"apply wildcard put", applyErr(put("demo/*", "1", f.ts(1, 2))), strata.ErrInvalidSample},
		{"apply from the future", applyErr(put("demo/a", "1", f.ts(1<<30, 2))), hlc.ErrDrift},
		{"get invalid selector", first(s.Get(bg, "demo//*")), strata.ErrInvalidKey},
		{"get closed", first(closed.Get(bg, "demo/a")), strata.ErrClosed},
		{"lookup missing", lookupErr(s, "demo/missing"), strata.ErrNotFound},
		{"lookup out of scope", lookupErr(s, "other/a"), strata.ErrOutOfScope},
		{"lookup wildcard", lookupErr(s, "demo/*"), strata.ErrInvalidKey},
		{"lookup closed", lookupErr(closed, "demo/a"), strata.ErrClosed},
		{"lookup backend error", lookupErr(broken, "demo/a"), boom},
		{"subscribe invalid", first(s.Subscribe(bg, "demo/a#")), strata.ErrInvalidKey},
		{"subscribe out of scope", first(s.Subscribe(bg, "other/**")), strata.ErrOutOfScope},
		{"subscribe closed", first(closed.Subscribe(bg, "demo/**")), strata.ErrClosed},
		{"subscribe lagged", first(lagging), strata.ErrLagged},
		{"open without options", openErr(nil), nil},
		{"open invalid key expression", openErr(&strata.Options{KeyExpr: "a//b"}), strata.ErrInvalidKey},
		{"reopen incompatible", openErr(&strata.Options{KeyExpr: "other/**"}), strata.ErrIncompatible},
		{"apply batch", batchErr(s), strata.ErrOutOfScope},
		{"open url unknown scheme", openURLErr("nosuch://x", nil), nil},
		{"open url bad parameter", openURLErr("memory:?size=1", &strata.Options{KeyExpr: "a/**"}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, tc.err)
			msg := tc.err.Error()
			require.True(t, strings.HasPrefix(msg, "strata: "), msg)
			require.Equal(t, 1, strings.Count(msg, "strata:"), msg)
			if tc.is != nil {
				require.ErrorIs(t, tc.err, tc.is)
			}
		})
	}
}

func openURLErr(url string, opts *strata.Options) error {
	s, err := strata.OpenURL(context.Background(), url, opts)
	if err == nil {
		_ = s.Close(context.Background())
	}
	return err
}

var _ backend.Backend = failing{}
