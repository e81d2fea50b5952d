// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/linxGnu/grocksdb"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

var bg = context.Background()

func stamp(n uint64) hlc.Timestamp {
	return hlc.Timestamp{Time: hlc.NTP64(n<<4 + 1<<40), ID: hlc.ID{7}}
}

func textEntry(v string, n uint64) backend.Entry {
	return backend.Entry{Value: []byte(v), Encoding: "text/plain", Timestamp: stamp(n)}
}

// openTemp opens a new database in a temporary directory and closes it at
// cleanup; it returns the backend and its directory.
func openTemp(t testing.TB, opts *Options) (*Backend, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	var o Options
	if opts != nil {
		o = *opts
	}
	o.CreateIfMissing = true
	b, err := Open(dir, &o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close(bg) })
	return b, dir
}

func TestOpenMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nothing")
	_, err := Open(dir, nil)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.ErrorContains(t, err, "CreateIfMissing")
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, fs.ErrNotExist, "a failed open creates nothing")

	// An existing, empty directory holds no database either.
	_, err = Open(t.TempDir(), &Options{})
	require.ErrorIs(t, err, fs.ErrNotExist)
	_, err = Open(dir, &Options{ReadOnly: true, CreateIfMissing: true})
	require.ErrorIs(t, err, fs.ErrNotExist, "read-only never creates")

	_, err = Open(dir, &Options{Compression: Compression(42)})
	require.ErrorContains(t, err, "Compression(42)")
	_, err = Open(dir, &Options{WriteBufferSize: -1})
	require.ErrorContains(t, err, "WriteBufferSize")
}

func TestReadOnly(t *testing.T) {
	b, dir := openTemp(t, nil)
	require.NoError(t, b.Put(bg, "k", textEntry("v", 1)))
	require.NoError(t, b.PutMeta(bg, "config", []byte("cfg")))
	require.NoError(t, b.Close(bg))

	ro, err := Open(dir, &Options{ReadOnly: true, DestroyOnClose: true})
	require.NoError(t, err)
	got, err := ro.Get(bg, "k")
	require.NoError(t, err)
	require.Equal(t, "v", string(got.Value))
	_, err = ro.Stat(bg, "k")
	require.NoError(t, err)
	meta, err := ro.GetMeta(bg, "config")
	require.NoError(t, err)
	require.Equal(t, "cfg", string(meta))
	n := 0
	for _, err := range ro.Scan(bg, "", nil) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 1, n)

	for name, err := range map[string]error{
		"put":         ro.Put(bg, "k", textEntry("w", 2)),
		"remove":      ro.Remove(bg, "k"),
		"batch":       ro.WriteBatch(bg, []backend.Op{{Key: "k", Remove: true}}),
		"put meta":    ro.PutMeta(bg, "config", []byte("x")),
		"delete meta": ro.PutMeta(bg, "config", nil),
	} {
		require.ErrorIs(t, err, backend.ErrReadOnly, name)
		require.ErrorContains(t, err, "ReadOnly", name)
	}
	require.NoError(t, ro.Close(bg))
	_, err = os.Stat(filepath.Join(dir, "CURRENT"))
	require.NoError(t, err, "DestroyOnClose is ignored when read-only")
}

func TestReadOnlyWithoutMetadata(t *testing.T) {
	// A database that never had the metadata column family (made by
	// another program) opens read-only; it has no metadata records.
	dir := filepath.Join(t.TempDir(), "db")
	o := grocksdb.NewDefaultOptions()
	o.SetCreateIfMissing(true)
	db, err := grocksdb.OpenDb(o, dir)
	require.NoError(t, err)
	db.Close()
	o.Destroy()

	ro, err := Open(dir, &Options{ReadOnly: true})
	require.NoError(t, err)
	_, err = ro.GetMeta(bg, "config")
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.NoError(t, ro.Close(bg))

	// A read-write open adds it.
	rw, err := Open(dir, nil)
	require.NoError(t, err)
	require.NoError(t, rw.PutMeta(bg, "config", []byte("x")))
	require.NoError(t, rw.Close(bg))
}

func TestOpenTwice(t *testing.T) {
	b, dir := openTemp(t, nil)
	_, err := Open(dir, nil)
	require.ErrorIs(t, err, ErrLocked)
	require.ErrorContains(t, err, "already open read-write in this process")

	// Another spelling of the same directory is the same database.
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(dir, link))
	_, err = Open(link+"/", nil)
	require.ErrorIs(t, err, ErrLocked)

	// A failed open leaves the first handle working.
	require.NoError(t, b.Put(bg, "k", textEntry("v", 1)))

	require.NoError(t, b.Close(bg))
	b2, err := Open(dir, nil)
	require.NoError(t, err, "the lock is released by Close")
	require.NoError(t, b2.Close(bg))
}

// TestReadOnlyWhileOpen: a read-only handle opens a database that a
// read-write handle holds, and sees it as it was when opened.
func TestReadOnlyWhileOpen(t *testing.T) {
	rw, dir := openTemp(t, nil)
	require.NoError(t, rw.Put(bg, "before", textEntry("1", 1)))
	require.NoError(t, rw.PutMeta(bg, "config", []byte("cfg")))

	ro, err := Open(dir, &Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close(bg)
	got, err := ro.Get(bg, "before")
	require.NoError(t, err)
	require.Equal(t, "1", string(got.Value))

	require.NoError(t, rw.Put(bg, "after", textEntry("2", 2)))
	_, err = ro.Get(bg, "after")
	require.ErrorIs(t, err, backend.ErrNotFound, "a read-only handle does not follow later writes")
	_, err = rw.Get(bg, "after")
	require.NoError(t, err)
}

func TestDestroyOnClose(t *testing.T) {
	b, dir := openTemp(t, &Options{DestroyOnClose: true})
	require.NoError(t, b.Put(bg, "k", textEntry("v", 1)))
	require.NoError(t, b.Close(bg))
	_, err := os.Stat(dir)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, b.Close(bg))
}

func TestAs(t *testing.T) {
	b, _ := openTemp(t, nil)
	var db *grocksdb.DB
	require.True(t, b.As(&db))
	require.NotNil(t, db)
	var other *os.File
	require.False(t, b.As(&other))
	require.False(t, b.As(db))

	// User keys are in the default column family, as records.
	require.NoError(t, b.Put(bg, "k", textEntry("v", 1)))
	ro := grocksdb.NewDefaultReadOptions()
	defer ro.Destroy()
	raw, err := db.GetBytes(ro, []byte("k"))
	require.NoError(t, err)
	e, err := backend.DecodeRecord(raw, true)
	require.NoError(t, err)
	require.Equal(t, "v", string(e.Value))
}

func TestPrefixEnd(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"a":          "b",
		"a/b/":       "a/b0",
		"a\xff":      "b",
		"a\xfe\xff":  "a\xff",
		"\xff\xff":   "",
		"fleet/":     "fleet0",
		"x\x00":      "x\x01",
		"robot/\xff": "robot0",
	} {
		require.Equal(t, want, string(prefixEnd([]byte(in))), "prefixEnd(%q)", in)
	}
}
