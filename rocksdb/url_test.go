// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
)

func TestOpenURL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	u := "rocksdb://" + filepath.ToSlash(dir)

	_, err := strata.OpenURL(bg, u, &strata.Options{KeyExpr: "fleet/**"})
	require.ErrorIs(t, err, fs.ErrNotExist, "no create parameter")

	s, err := strata.OpenURL(bg, u+"?create=true&sync=true", &strata.Options{KeyExpr: "fleet/**", StripPrefix: "fleet"})
	require.NoError(t, err)
	_, err = s.Put(bg, "fleet/a", []byte("1"))
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))

	// Reopen with the recorded configuration, read-only.
	s, err = strata.OpenURL(bg, u+"?readonly", nil)
	require.NoError(t, err)
	require.Equal(t, "fleet", s.StripPrefix())
	smp, err := s.Lookup(bg, "fleet/a")
	require.NoError(t, err)
	require.Equal(t, "1", string(smp.Value))
	_, err = s.Put(bg, "fleet/b", []byte("2"))
	require.ErrorIs(t, err, strata.ErrReadOnly)
	require.NoError(t, s.Close(bg))

	// A relative directory.
	t.Chdir(filepath.Dir(dir))
	s, err = strata.OpenURL(bg, "rocksdb:db", nil)
	require.NoError(t, err)
	_, err = s.Lookup(bg, "fleet/a")
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))
}

func TestOpenURLParameters(t *testing.T) {
	dir := filepath.ToSlash(t.TempDir())
	i := 0
	for query, want := range map[string]Options{
		"?create":                                {CreateIfMissing: true},
		"?create=true&sync=1":                    {CreateIfMissing: true, Sync: true},
		"?create=true&sync=false&readonly=false": {CreateIfMissing: true},
	} {
		i++
		b, err := backend.OpenURL(bg, fmt.Sprintf("rocksdb://%s/%d%s", dir, i, query))
		require.NoError(t, err, query)
		o := b.(*Backend).opts
		require.Equal(t, want, Options{CreateIfMissing: o.CreateIfMissing, ReadOnly: o.ReadOnly, Sync: o.Sync}, query)
		require.NoError(t, b.Close(bg))
	}
	b, err := backend.OpenURL(bg, "rocksdb://"+dir+"/?create=true")
	require.NoError(t, err)
	require.NoError(t, b.Close(bg))
	b, err = backend.OpenURL(bg, "rocksdb://"+dir+"/?readonly=true")
	require.NoError(t, err)
	require.True(t, b.(*Backend).opts.ReadOnly)
	require.NoError(t, b.Close(bg))
}

func TestOpenURLErrors(t *testing.T) {
	dir := filepath.ToSlash(t.TempDir())
	for u, want := range map[string]string{
		"rocksdb://data/db":                  `rocksdb: url "rocksdb://data/db": a host is not allowed: use rocksdb:///abs/path or rocksdb:rel/path`,
		"rocksdb://":                         `rocksdb: url "rocksdb:": no directory: use rocksdb:///abs/path or rocksdb:rel/path`,
		"rocksdb:///":                        `rocksdb: url "rocksdb:///": no directory: use rocksdb:///abs/path or rocksdb:rel/path`,
		"rocksdb://u:secret@/x":              `rocksdb: url "rocksdb:///x": user information is not allowed`,
		"rocksdb://" + dir + "?create=maybe": `rocksdb: url: parameter create: "maybe" is not a boolean (true or false)`,
		"rocksdb://" + dir + "?cache=1":      `rocksdb: url: unknown parameter cache (known: create, readonly, sync)`,
	} {
		_, err := backend.OpenURL(bg, u)
		require.EqualError(t, err, want, u)
	}
	_, err := os.Stat(filepath.Join(dir, "CURRENT"))
	require.ErrorIs(t, err, fs.ErrNotExist, "no failed URL created a database")
}
