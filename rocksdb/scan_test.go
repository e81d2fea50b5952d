// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/linxGnu/grocksdb"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// keyComparisons counts the key comparisons that RocksDB makes while fn
// runs on this goroutine's thread: about log(n) per seek, one or more per
// key passed over.
func keyComparisons(t *testing.T, fn func()) uint64 {
	const rocksdbUserKeyComparisonCount = 0 // enum of rocksdb/c.h
	return perfCount(rocksdbUserKeyComparisonCount, fn)
}

// TestScanIsBounded: a prefix scan reads the range under its prefix, not
// the keys around it, from the memtable and from table files alike.
func TestScanIsBounded(t *testing.T) {
	b, _ := openTemp(t, nil)
	ops := make([]backend.Op, 0, 5000)
	for i := range 2500 {
		ops = append(ops,
			backend.Op{Key: fmt.Sprintf("a/%05d", i), Entry: textEntry("before", 1)},
			backend.Op{Key: fmt.Sprintf("c/%05d", i), Entry: textEntry("after", 1)})
	}
	ops = append(ops, backend.Op{Key: "b/1", Entry: textEntry("x", 1)}, backend.Op{Key: "b/2", Entry: textEntry("y", 1)})
	require.NoError(t, b.WriteBatch(bg, ops))

	for _, flushed := range []bool{false, true} {
		if flushed {
			fo := grocksdb.NewDefaultFlushOptions()
			require.NoError(t, b.db.FlushCF(b.data, fo))
			fo.Destroy()
		}
		for _, start := range []string{"", "b/2"} {
			var keys []string
			read := keyComparisons(t, func() {
				for it, err := range b.Scan(bg, "b/", &backend.ScanOptions{Start: start}) {
					require.NoError(t, err)
					keys = append(keys, it.Key)
				}
			})
			require.NotEmpty(t, keys)
			t.Logf("flushed=%v start=%q: %d comparisons", flushed, start, read)
			require.Less(t, read, uint64(500), "flushed=%v start=%q: %d comparisons for %v", flushed, start, read, keys)
		}
		all := keyComparisons(t, func() {
			for _, err := range b.Scan(bg, "", &backend.ScanOptions{KeysOnly: true}) {
				require.NoError(t, err)
			}
		})
		t.Logf("flushed=%v full scan: %d comparisons", flushed, all)
		require.Greater(t, all, uint64(5000), "the measure works")
	}
}

func TestScanMatchBeforeValue(t *testing.T) {
	b, _ := openTemp(t, nil)
	big := bytes.Repeat([]byte("v"), 1<<20)
	for i := range 5 {
		require.NoError(t, b.Put(bg, fmt.Sprintf("m/%d", i), backend.Entry{Value: big, Timestamp: stamp(uint64(i + 1))}))
	}
	var asked []string
	var got []string
	for it, err := range b.Scan(bg, "m/", &backend.ScanOptions{Match: func(k string) bool {
		asked = append(asked, k)
		return k == "m/3"
	}}) {
		require.NoError(t, err)
		got = append(got, it.Key)
		require.Len(t, it.Entry.Value, 1<<20)
	}
	require.Equal(t, []string{"m/3"}, got)
	require.Equal(t, []string{"m/0", "m/1", "m/2", "m/3", "m/4"}, asked, "Match keeps its strings")
}

// TestScanBatches crosses batch boundaries of every size, with writes
// (which must neither duplicate nor lose keys) between the batches.
func TestScanBatches(t *testing.T) {
	b, _ := openTemp(t, nil)
	const n = 5000
	for i := 0; i < n; i += 2 {
		require.NoError(t, b.Put(bg, fmt.Sprintf("s/%05d", i), textEntry("v", 1)))
	}
	var keys []string
	i := 0
	for it, err := range b.Scan(bg, "s/", &backend.ScanOptions{KeysOnly: true}) {
		require.NoError(t, err)
		keys = append(keys, it.Key)
		// Fill the odd keys ahead, remove nothing: the even keys existed
		// throughout, so each is yielded exactly once.
		if i+1 < n {
			require.NoError(t, b.Put(bg, fmt.Sprintf("s/%05d", i+1), textEntry("w", 2)))
		}
		i++
	}
	seen := map[string]bool{}
	for j, k := range keys {
		require.False(t, seen[k], "duplicate %q", k)
		seen[k] = true
		if j > 0 {
			require.Less(t, keys[j-1], k)
		}
	}
	for j := 0; j < n; j += 2 {
		require.True(t, seen[fmt.Sprintf("s/%05d", j)], "lost s/%05d", j)
	}
}

func TestScanLargeValues(t *testing.T) {
	b, _ := openTemp(t, nil)
	big := bytes.Repeat([]byte("L"), 3<<20)
	for i := range 4 {
		require.NoError(t, b.Put(bg, fmt.Sprintf("l/%d", i), backend.Entry{Value: big, Timestamp: stamp(1)}))
	}
	n := 0
	for it, err := range b.Scan(bg, "l/", nil) {
		require.NoError(t, err)
		require.True(t, bytes.Equal(big, it.Entry.Value))
		n++
	}
	require.Equal(t, 4, n)
}

// TestScanMetaBatches: ScanMeta reads past a batch, values of any size
// included, stops at the prefix, and its loop body may Close the backend.
func TestScanMetaBatches(t *testing.T) {
	b, _ := openTemp(t, nil)
	n := 2*metaScanBatch + 3
	for i := range n {
		v := []byte(fmt.Sprint(i))
		if i == metaScanBatch {
			v = bytes.Repeat([]byte("x"), 2*inlineValue)
		}
		require.NoError(t, b.PutMeta(bg, fmt.Sprintf("m/%04d", i), v))
	}
	require.NoError(t, b.PutMeta(bg, "n", []byte("past the prefix")))
	i := 0
	for r, err := range b.ScanMeta(bg, "m/") {
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("m/%04d", i), r.Name)
		if i == metaScanBatch {
			require.Len(t, r.Value, 2*inlineValue)
		} else {
			require.Equal(t, fmt.Sprint(i), string(r.Value))
		}
		i++
	}
	require.Equal(t, n, i)

	ctx, cancel := context.WithTimeout(bg, 5*time.Second)
	defer cancel()
	var errs []error
	i = 0
	for _, err := range b.ScanMeta(bg, "m/") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if i == 0 {
			require.NoError(t, b.Close(ctx), "the loop body closes the backend")
		}
		i++
	}
	require.Equal(t, metaScanBatch, i, "the batch already read is yielded")
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], backend.ErrClosed)
}
