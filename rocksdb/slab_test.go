// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// TestScanValuesAreTheCallers: the keys and values of a scan share chunks,
// but each belongs to the caller: writing or appending to a value changes
// no other value and no key, and they all stay as read after the loop and
// later scans.
func TestScanValuesAreTheCallers(t *testing.T) {
	b, _ := openTemp(t, nil)
	var ops []backend.Op
	for i := range 3000 {
		v := bytes.Repeat([]byte{byte('a' + i%26)}, i%700) // empty, short, and longer than slabMax
		ops = append(ops, backend.Op{Key: fmt.Sprintf("s/%05d", i), Entry: backend.Entry{Value: v, Timestamp: stamp(uint64(i + 1))}})
	}
	require.NoError(t, b.WriteBatch(bg, ops))
	scan := func() []backend.Item {
		var items []backend.Item
		for it, err := range b.Scan(bg, "s/", nil) {
			require.NoError(t, err)
			require.NotNil(t, it.Entry.Value)
			require.Equal(t, len(it.Entry.Value), cap(it.Entry.Value), it.Key)
			items = append(items, it)
		}
		require.Len(t, items, len(ops))
		return items
	}
	first := scan()
	for i := range first {
		v := first[i].Entry.Value
		for j := range v {
			v[j] = '#'
		}
		first[i].Entry.Value = append(v, "tail"...)
	}
	second := scan()
	for i, it := range second {
		require.Equal(t, ops[i].Key, first[i].Key)
		require.Equal(t, ops[i].Key, it.Key)
		require.Equal(t, ops[i].Entry.Value, it.Entry.Value, it.Key)
		want := append(bytes.Repeat([]byte{'#'}, len(ops[i].Entry.Value)), "tail"...)
		require.Equal(t, want, first[i].Entry.Value, it.Key)
	}
}

func TestSlab(t *testing.T) {
	var s slab
	a := s.bytes([]byte("abc"))
	k := s.string([]byte("key"))
	c := s.bytes(nil)
	big := s.bytes(make([]byte, slabMax+1))
	require.Equal(t, "abc", string(a))
	require.Equal(t, 3, cap(a))
	require.Equal(t, "key", k)
	require.NotNil(t, c)
	require.Zero(t, cap(c))
	require.Len(t, big, slabMax+1)
	a = append(a, 'd')
	require.Equal(t, "key", k)
	require.Equal(t, "", s.string(nil))
	// A chunk serves many pieces before the next is allocated.
	allocs := testing.AllocsPerRun(100, func() { s.bytes(make([]byte, 100)[:100]) })
	require.Less(t, allocs, 0.1)
}
