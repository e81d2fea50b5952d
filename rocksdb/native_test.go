// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/linxGnu/grocksdb"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// TestNativePointers checks that the C objects the read paths take from
// grocksdb's handles are the ones grocksdb uses: what grocksdb writes, the
// native reads see, in both column families.
func TestNativePointers(t *testing.T) {
	b, _ := openTemp(t, nil)
	wo := grocksdb.NewDefaultWriteOptions()
	defer wo.Destroy()
	require.NoError(t, b.db.PutCF(wo, b.data, []byte("data"), []byte("in data")))
	require.NoError(t, b.db.PutCF(wo, b.meta, []byte("meta"), []byte("in meta")))

	read := func(cf string, key string) (string, bool) {
		h := b.h.data
		if cf == "meta" {
			h = b.h.meta
		}
		var got string
		found, err := b.h.get(h, key, make([]byte, 64), false, func(v []byte) { got = string(v) })
		require.NoError(t, err)
		return got, found
	}
	got, found := read("data", "data")
	require.True(t, found)
	require.Equal(t, "in data", got)
	_, found = read("data", "meta")
	require.False(t, found)
	got, found = read("meta", "meta")
	require.True(t, found)
	require.Equal(t, "in meta", got)

	it := b.h.newIterator(b.h.data, nil)
	defer it.close()
	buf := make([]byte, 1024)
	r, err := it.fill([]byte{}, false, buf, 10, nil, 100, false)
	require.NoError(t, err)
	require.Equal(t, 1, r.n)
	require.True(t, r.end)
	k, v, whole, _ := nextEntry(buf)
	require.True(t, whole)
	require.Equal(t, "data", string(k))
	require.Equal(t, "in data", string(v))
}

// TestNativeLongRecords takes the paths for records and keys that do not
// fit the buffers: values read where RocksDB pinned them, and a scan
// buffer that grows for a long key.
func TestNativeLongRecords(t *testing.T) {
	b, _ := openTemp(t, nil)
	long := bytes.Repeat([]byte("x"), readBufferSize+1)
	require.NoError(t, b.PutMeta(bg, "long", long))
	got, err := b.GetMeta(bg, "long")
	require.NoError(t, err)
	require.Equal(t, long, got)

	longKey := "k/" + strings.Repeat("k", 2*scanBufferSize)
	e := backend.Entry{Value: long, Encoding: strings.Repeat("e", backend.MaxEncodingLen), Timestamp: stamp(3)}
	require.NoError(t, b.Put(bg, longKey, e))
	for i := range 3 {
		require.NoError(t, b.Put(bg, fmt.Sprintf("k/%d", i), textEntry("v", 1)))
	}
	b.cache = nil // Stat reads the record
	st, err := b.Stat(bg, longKey)
	require.NoError(t, err)
	require.Equal(t, e.Encoding, st.Encoding)
	full, err := b.Get(bg, longKey)
	require.NoError(t, err)
	require.Equal(t, long, full.Value)

	for _, keysOnly := range []bool{false, true} {
		var keys []string
		for it, err := range b.Scan(bg, "k/", &backend.ScanOptions{KeysOnly: keysOnly}) {
			require.NoError(t, err)
			keys = append(keys, it.Key)
			if it.Key == longKey {
				require.Equal(t, e.Encoding, it.Entry.Encoding)
				if keysOnly {
					require.Nil(t, it.Entry.Value)
				} else {
					require.Equal(t, long, it.Entry.Value)
				}
			}
		}
		require.Equal(t, []string{"k/0", "k/1", "k/2", longKey}, keys)
	}
}
