// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/linxGnu/grocksdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// pointLookups counts RocksDB's point lookups (memtable gets) made while
// fn runs on this goroutine's thread.
func pointLookups(fn func()) uint64 {
	const rocksdbGetFromMemtableCount = 16 // enum of rocksdb/c.h
	return perfCount(rocksdbGetFromMemtableCount, fn)
}

// perfCount returns RocksDB's perf-context metric (an enum of rocksdb/c.h)
// counted while fn runs on this goroutine's thread.
func perfCount(metric int, fn func()) uint64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	grocksdb.SetPerfLevel(grocksdb.KEnableCount)
	defer grocksdb.SetPerfLevel(grocksdb.KDisable)
	pc := grocksdb.NewPerfContext()
	defer pc.Destroy()
	pc.Reset()
	fn()
	return pc.Metric(metric)
}

func TestMetaCacheAnswersStat(t *testing.T) {
	b, _ := openTemp(t, nil)
	e := textEntry("v", 1)
	require.NoError(t, b.Put(bg, "written", e))
	n := pointLookups(func() {
		got, err := b.Stat(bg, "written")
		require.NoError(t, err)
		requireMeta(t, e, got)
	})
	require.Zero(t, n, "a key this backend wrote is stat'ed from memory")

	n = pointLookups(func() {
		for range 3 {
			_, err := b.Stat(bg, "missing")
			require.ErrorIs(t, err, backend.ErrNotFound)
		}
	})
	require.Equal(t, uint64(1), n, "absence is remembered too")

	require.NoError(t, b.Remove(bg, "written"))
	n = pointLookups(func() {
		_, err := b.Stat(bg, "written")
		require.ErrorIs(t, err, backend.ErrNotFound)
	})
	require.Zero(t, n)

	require.NoError(t, b.WriteBatch(bg, []backend.Op{
		{Key: "missing", Entry: backend.Entry{Timestamp: stamp(5), Deleted: true}},
		{Key: "x", Entry: textEntry("x", 6)},
		{Key: "x", Remove: true},
	}))
	got, err := b.Stat(bg, "missing")
	require.NoError(t, err)
	require.True(t, got.Deleted)
	_, err = b.Stat(bg, "x")
	require.ErrorIs(t, err, backend.ErrNotFound, "the later op of a batch wins")
}

func TestMetaCacheIsBounded(t *testing.T) {
	b, _ := openTemp(t, &Options{MetaCacheEntries: 256})
	ops := make([]backend.Op, 10000)
	for i := range ops {
		ops[i] = backend.Op{Key: fmt.Sprintf("k/%05d", i), Entry: textEntry("v", 1)}
	}
	require.NoError(t, b.WriteBatch(bg, ops))
	require.LessOrEqual(t, b.cache.len(), 256)
	for i := range 10000 {
		_, err := b.Stat(bg, fmt.Sprintf("k/%05d", i))
		require.NoError(t, err)
	}
	require.LessOrEqual(t, b.cache.len(), 256)
	require.Greater(t, b.cache.len(), 64)

	nb, _ := openTemp(t, &Options{MetaCacheEntries: -1})
	require.Nil(t, nb.cache)
}

func TestMetaShardGenerations(t *testing.T) {
	c := newMetaCache(2 * 2 * metaShards) // two entries a generation
	s := &c.shards[0]
	require.Equal(t, 2, s.half)
	set := func(k string) { s.set(k, c.hash(k), cachedMeta{enc: k}) }
	get := func(k string) (*cachedMeta, bool) { return s.get(k, c.hash(k)) }
	set("a")
	set("b")
	set("c")          // a, b become old
	_, ok := get("a") // a moves back to cur: c, a
	require.True(t, ok)
	set("d") // c, a become old (b dropped)
	_, ok = get("b")
	require.False(t, ok)
	for _, k := range []string{"a", "c", "d"} {
		m, ok := get(k)
		require.True(t, ok, k)
		require.Equal(t, k, m.enc)
	}
	require.LessOrEqual(t, s.cur.Load().n+s.old.Load().n, 4)
	s.forget("d", c.hash("d"))
	_, ok = get("d")
	require.False(t, ok)

	// Generations keep their tables: the dropped one becomes the next.
	tables := map[*metaTable]bool{s.cur.Load(): true, s.old.Load(): true}
	for i := range 20 {
		set(fmt.Sprint("k", i))
		require.True(t, tables[s.cur.Load()] && tables[s.old.Load()], "a generation allocated a table")
	}
}

// Keys too long to be held in a slot are held apart, and found as exactly
// as short ones: keys that differ only in their last byte, or only in
// length, are different keys.
func TestMetaShardLongKeys(t *testing.T) {
	c := newMetaCache(1 << 12)
	long := strings.Repeat("k", inlineKey)
	keys := []string{"", "k", long[:inlineKey-1], long, long + "k", long + "l", long + "kk", strings.Repeat("x", 4096)}
	for i, k := range keys {
		s, h := c.locate(k)
		s.set(k, h, cachedMeta{enc: fmt.Sprint(i)})
	}
	for i, k := range keys {
		s, h := c.locate(k)
		m, ok := s.get(k, h)
		require.True(t, ok, len(k))
		require.Equal(t, fmt.Sprint(i), m.enc, len(k))
	}
	s, h := c.locate(long + "m")
	_, ok := s.get(long+"m", h)
	require.False(t, ok)
}

// TestMetaCacheIsExact runs writers, removers, batches, stats and
// prefetches on a few keys concurrently, then checks that every cached answer is what the
// database holds.
func TestMetaCacheIsExact(t *testing.T) {
	b, _ := openTemp(t, &Options{MetaCacheEntries: 64})
	const keys, workers, rounds = 40, 6, 300
	key := func(i int) string { return fmt.Sprintf("x/%02d", i%keys) }
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() {
		// Prefetches race with everything, and change nothing.
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				b.Prefetch(key(i))
			}
		}
	}()
	defer close(stop)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for i := range rounds {
				k := key(r.IntN(keys))
				var err error
				switch r.IntN(5) {
				case 0:
					err = b.Remove(bg, k)
				case 1:
					err = b.WriteBatch(bg, []backend.Op{
						{Key: k, Entry: textEntry(fmt.Sprint(w), uint64(i+1))},
						{Key: key(r.IntN(keys)), Remove: true},
					})
				case 2, 3:
					_, err = b.Stat(bg, k)
					if err != nil && !assert.ErrorIs(t, err, backend.ErrNotFound) {
						return
					}
					err = nil
				default:
					err = b.Put(bg, k, backend.Entry{Encoding: fmt.Sprint(w), Timestamp: stamp(uint64(i + 1)), Deleted: i%2 == 0})
				}
				if !assert.NoError(t, err) {
					return
				}
			}
		}()
	}
	wg.Wait()
	for i := range keys {
		k := key(i)
		cached, cerr := b.Stat(bg, k)
		stored, found, err := b.lookup("stat", k, false)
		require.NoError(t, err)
		if !found {
			require.ErrorIs(t, cerr, backend.ErrNotFound, k)
			continue
		}
		require.NoError(t, cerr, k)
		requireMeta(t, stored, cached)
	}
}

func requireMeta(t *testing.T, want, got backend.Entry) {
	t.Helper()
	require.Equal(t, want.Timestamp, got.Timestamp)
	require.Equal(t, want.Encoding, got.Encoding)
	require.Equal(t, want.Deleted, got.Deleted)
	require.Nil(t, got.Value)
}

// Prefetch is safe on any key, with or without the cache, and after Close.
func TestPrefetchAnyTime(t *testing.T) {
	for _, entries := range []int{0, -1} {
		b, _ := openTemp(t, &Options{MetaCacheEntries: entries})
		require.NoError(t, b.Put(bg, "k", textEntry("v", 1)))
		require.NotPanics(t, func() {
			b.Prefetch("k")
			b.Prefetch("")
			b.Prefetch(strings.Repeat("x", 1<<16))
		})
		require.NoError(t, b.Close(bg))
		require.NotPanics(t, func() { b.Prefetch("k") })
	}
}
