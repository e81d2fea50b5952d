// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/linxGnu/grocksdb"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// foreignRecords are values that another program (or damage) could leave
// under a key: none is a record that DecodeRecord accepts.
func foreignRecords(t testing.TB) map[string][]byte {
	good, err := backend.AppendRecord(nil, textEntry("v", 1))
	require.NoError(t, err)
	tomb, err := backend.AppendRecord(nil, backend.Entry{Timestamp: stamp(1), Deleted: true})
	require.NoError(t, err)
	newer := bytes.Clone(good)
	newer[0] = backend.RecordVersion + 1
	flags := bytes.Clone(good)
	flags[1] = 0x80
	return map[string][]byte{
		"empty":          {},
		"text":           []byte(`{"json": "from another program"}`),
		"newer version":  newer,
		"unknown flags":  flags,
		"truncated":      good[:10],
		"no encoding":    good[:26],
		"tombstone+data": append(tomb, 'x'),
		"zero id":        append([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 1}, make([]byte, 17)...),
		"huge encoding":  append(bytes.Clone(good[:26]), 0xff, 0xff, 0xff, 0xff, 0x0f),
		"long garbage":   bytes.Repeat([]byte{0xee}, 5000),
		"long encoding":  append(append(bytes.Clone(good[:26]), 0x80, 0x20), bytes.Repeat([]byte("e"), 100)...),
	}
}

func TestCorruptRecords(t *testing.T) {
	for _, cache := range []int{0, -1} {
		b, _ := openTemp(t, &Options{MetaCacheEntries: cache})
		var db *grocksdb.DB
		require.True(t, b.As(&db))
		wo := grocksdb.NewDefaultWriteOptions()
		defer wo.Destroy()
		for name, raw := range foreignRecords(t) {
			key := "bad/" + name
			require.NoError(t, db.Put(wo, []byte(key), raw))
			_, err := b.Get(bg, key)
			require.ErrorIs(t, err, backend.ErrCorrupt, "get %s", name)
			require.ErrorContains(t, err, key)
			_, err = b.Stat(bg, key)
			require.ErrorIs(t, err, backend.ErrCorrupt, "stat %s", name)
			for _, keysOnly := range []bool{false, true} {
				var errs []error
				for _, err := range b.Scan(bg, key, &backend.ScanOptions{KeysOnly: keysOnly}) {
					errs = append(errs, err)
				}
				require.Len(t, errs, 1, name)
				require.ErrorIs(t, errs[0], backend.ErrCorrupt, "scan %s", name)
			}
			// The key can still be overwritten and removed.
			require.NoError(t, b.Put(bg, key, textEntry("fixed", 2)))
			got, err := b.Get(bg, key)
			require.NoError(t, err)
			require.Equal(t, "fixed", string(got.Value))
			require.NoError(t, b.Remove(bg, key))
		}
	}
}

// TestCorruptTableFile damages a table file under RocksDB: its checksum
// error is reported as backend.ErrCorrupt.
func TestCorruptTableFile(t *testing.T) {
	b, dir := openTemp(t, &Options{Compression: CompressionNone, BlockCacheSize: -1})
	value := bytes.Repeat([]byte("0123456789"), 1000)
	for i := range 20 {
		require.NoError(t, b.Put(bg, string(rune('a'+i)), backend.Entry{Value: value, Timestamp: stamp(1)}))
	}
	fo := grocksdb.NewDefaultFlushOptions()
	require.NoError(t, b.db.FlushCF(b.data, fo))
	fo.Destroy()
	require.NoError(t, b.Close(bg))

	tables, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	require.NoError(t, err)
	damaged := false
	for _, name := range tables {
		raw, err := os.ReadFile(name)
		require.NoError(t, err)
		if i := bytes.Index(raw, value); i >= 0 {
			raw[i+len(value)/2] ^= 0xff
			require.NoError(t, os.WriteFile(name, raw, 0o644))
			damaged = true
		}
	}
	require.True(t, damaged)

	b2, err := Open(dir, nil)
	require.NoError(t, err)
	defer b2.Close(bg)
	corrupt := 0
	for i := range 20 {
		if _, err := b2.Get(bg, string(rune('a'+i))); err != nil {
			require.ErrorIs(t, err, backend.ErrCorrupt)
			corrupt++
		}
	}
	require.Equal(t, 1, corrupt)
	var last error
	for _, err := range b2.Scan(bg, "", nil) {
		last = err
	}
	require.ErrorIs(t, last, backend.ErrCorrupt)
}

// FuzzStoredValue stores arbitrary bytes under a key, as another program
// could, and reads them through every path: each either decodes what
// backend.DecodeRecord decodes or fails with backend.ErrCorrupt, and none
// panics.
func FuzzStoredValue(f *testing.F) {
	for _, raw := range foreignRecords(f) {
		f.Add(raw)
	}
	good, _ := backend.AppendRecord(nil, backend.Entry{Value: bytes.Repeat([]byte("v"), 300), Encoding: "e", Timestamp: stamp(1)})
	f.Add(good)
	b, _ := openTemp(f, &Options{MetaCacheEntries: -1})
	var db *grocksdb.DB
	b.As(&db)
	wo := grocksdb.NewDefaultWriteOptions()
	f.Cleanup(wo.Destroy)
	const key = "fuzz/k"
	f.Fuzz(func(t *testing.T, raw []byte) {
		require.NoError(t, db.Put(wo, []byte(key), raw))
		want, wantErr := backend.DecodeRecord(raw, true)
		check := func(what string, got backend.Entry, err error, withValue bool) {
			if wantErr != nil {
				require.ErrorIs(t, err, backend.ErrCorrupt, what)
				return
			}
			require.NoError(t, err, what)
			require.Equal(t, want.Timestamp, got.Timestamp, what)
			require.Equal(t, want.Encoding, got.Encoding, what)
			require.Equal(t, want.Deleted, got.Deleted, what)
			if withValue {
				require.True(t, bytes.Equal(want.Value, got.Value), what)
			} else {
				require.Nil(t, got.Value, what)
			}
		}
		got, err := b.Get(bg, key)
		check("get", got, err, true)
		got, err = b.Stat(bg, key)
		check("stat", got, err, false)
		for _, keysOnly := range []bool{false, true} {
			n := 0
			for it, err := range b.Scan(bg, "fuzz/", &backend.ScanOptions{KeysOnly: keysOnly}) {
				check(fmt.Sprintf("scan keysOnly=%v", keysOnly), it.Entry, err, !keysOnly)
				n++
			}
			require.Equal(t, 1, n)
		}
	})
}
