// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

func openStore(t *testing.T, dir string, opts *strata.Options) *strata.Store {
	t.Helper()
	b, err := Open(dir, &Options{CreateIfMissing: true})
	require.NoError(t, err)
	s, err := strata.Open(bg, b, opts)
	if err != nil {
		_ = b.Close(bg)
	}
	require.NoError(t, err)
	return s
}

func collect(t *testing.T, s *strata.Store, selector string, opts *strata.ScanOptions) []strata.Sample {
	t.Helper()
	var out []strata.Sample
	for smp, err := range s.Scan(bg, selector, opts) {
		require.NoError(t, err)
		out = append(out, smp)
	}
	return out
}

// TestStoreReopen runs a Store over the backend, closes it and opens it
// again on the same directory: values, encodings, timestamps, tombstones
// and remembered wildcard deletes are all back, and still decide what
// later samples do.
func TestStoreReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	opts := &strata.Options{KeyExpr: "fleet/**", StripPrefix: "fleet", GCInterval: -1}
	s := openStore(t, dir, opts)

	ctx := context.Background()
	for _, k := range []string{"fleet", "fleet/a/1", "fleet/a/2", "fleet/b/1", "fleet/b/2", "fleet/c"} {
		_, err := s.Put(ctx, k, []byte("v:"+k))
		require.NoError(t, err)
	}
	id := hlc.ID{9}
	applied := hlc.Timestamp{Time: s.Clock().Now().Time, ID: id}
	res, err := s.Apply(ctx, strata.Sample{Key: "fleet/json", Value: []byte(`{"x":1}`), Encoding: "application/json", Timestamp: applied, Kind: strata.KindPut})
	require.NoError(t, err)
	require.Equal(t, strata.Inserted, res)
	deleted, err := s.Delete(ctx, "fleet/a/2")
	require.NoError(t, err)
	wild, err := s.Delete(ctx, "fleet/b/*")
	require.NoError(t, err)
	_, err = s.Put(ctx, "fleet/b/3", []byte("after the wildcard delete"))
	require.NoError(t, err)

	live := collect(t, s, "fleet/**", nil)
	all := collect(t, s, "fleet/**", &strata.ScanOptions{Tombstones: true})
	wildcards := s.WildcardDeletes()
	require.Len(t, wildcards, 1)
	require.NoError(t, s.Close(ctx))

	s = openStore(t, dir, opts)
	defer s.Close(ctx)
	require.Equal(t, live, collect(t, s, "fleet/**", nil))
	require.Equal(t, all, collect(t, s, "fleet/**", &strata.ScanOptions{Tombstones: true}))
	require.Equal(t, wildcards, s.WildcardDeletes())

	var keys []string
	for _, smp := range live {
		keys = append(keys, smp.Key)
	}
	require.Equal(t, []string{"fleet", "fleet/a/1", "fleet/b/3", "fleet/c", "fleet/json"}, keys)
	require.Equal(t, "application/json", live[4].Encoding)
	require.Equal(t, applied, live[4].Timestamp)
	got := collect(t, s, "fleet/a/2", &strata.ScanOptions{Tombstones: true})
	require.Len(t, got, 1)
	require.Equal(t, strata.KindDelete, got[0].Kind)
	require.Equal(t, deleted, got[0].Timestamp)

	older := func(ts hlc.Timestamp) hlc.Timestamp { return hlc.Timestamp{Time: ts.Time - 16, ID: id} }
	// A late put older than the tombstone does not resurrect the key.
	res, err = s.Apply(ctx, strata.Sample{Key: "fleet/a/2", Value: []byte("late"), Timestamp: older(deleted), Kind: strata.KindPut})
	require.NoError(t, err)
	require.Equal(t, strata.Outdated, res)
	// Nor does one older than the remembered wildcard delete, on a key it
	// matches that never existed.
	res, err = s.Apply(ctx, strata.Sample{Key: "fleet/b/new", Value: []byte("late"), Timestamp: older(wild), Kind: strata.KindPut})
	require.NoError(t, err)
	require.Equal(t, strata.Outdated, res)
	require.Empty(t, collect(t, s, "fleet/b/new", nil))
	// A newer one does.
	_, err = s.Put(ctx, "fleet/b/1", []byte("back"))
	require.NoError(t, err)
	require.Len(t, collect(t, s, "fleet/b/*", nil), 2)
	require.NoError(t, s.Close(ctx))

	// The backend remembers what store it holds.
	b, err := Open(dir, nil)
	require.NoError(t, err)
	_, err = strata.Open(ctx, b, &strata.Options{KeyExpr: "other/**"})
	require.ErrorIs(t, err, strata.ErrIncompatible)
	require.NoError(t, b.Close(ctx))
}
