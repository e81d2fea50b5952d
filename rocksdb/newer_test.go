// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/linxGnu/grocksdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// TestWriteBatchIfNewer checks the decisions of a batch against the
// states that the ops before them leave, including when the ops of one
// shard of a tiny cache outnumber what it holds (the states of the batch
// must not be lost to eviction), and that a failed decision writes
// nothing.
func TestWriteBatchIfNewer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries int
	}{{"cache", 0}, {"tiny cache", 1}, {"no cache", -1}} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Open(filepath.Join(t.TempDir(), "db"), &Options{CreateIfMissing: true, MetaCacheEntries: tc.entries})
			require.NoError(t, err)
			defer b.Close(bg)
			// Four keys of one shard (any four when there is no cache).
			var keys []string
			for i := 0; len(keys) < 4; i++ {
				k := fmt.Sprintf("k%d", i)
				if b.cache == nil || shardIndex(b.cache.hash(k)) == shardIndex(b.cache.hash("k0")) {
					keys = append(keys, k)
				}
			}
			require.NoError(t, b.Put(bg, keys[0], backend.Entry{Value: []byte("old"), Timestamp: stamp(5)}))
			put := func(k string, ts uint64) backend.Op {
				return backend.Op{Key: k, Entry: backend.Entry{Value: fmt.Appendf(nil, "%s@%d", k, ts), Timestamp: stamp(ts)}}
			}
			ops := []backend.Op{
				put(keys[0], 10), // newer than stored: written
				put(keys[1], 3),  // new key: written
				put(keys[2], 3),
				put(keys[3], 3),
				put(keys[0], 10), // the same again: not written
				put(keys[0], 7),  // older than the batch's own write: not written
				put(keys[1], 4),  // newer than the batch's own write: written
			}
			prior := make([]backend.Prior, len(ops))
			require.NoError(t, b.WriteBatchIfNewer(bg, ops, prior))
			var written []bool
			for _, p := range prior {
				written = append(written, p.Written)
			}
			require.Equal(t, []bool{true, true, true, true, false, false, true}, written)
			require.True(t, prior[0].Found)
			require.Equal(t, stamp(5), prior[0].Entry.Timestamp)
			require.False(t, prior[1].Found)
			require.Equal(t, stamp(10), prior[4].Entry.Timestamp)
			require.Equal(t, stamp(10), prior[5].Entry.Timestamp)
			require.Equal(t, stamp(3), prior[6].Entry.Timestamp)
			for k, want := range map[string]string{keys[0]: keys[0] + "@10", keys[1]: keys[1] + "@4", keys[3]: keys[3] + "@3"} {
				e, err := b.Get(bg, k)
				require.NoError(t, err)
				require.Equal(t, want, string(e.Value))
			}

			// A remove in the batch fails it: nothing is written.
			ops = []backend.Op{put(keys[2], 20), {Key: keys[3], Remove: true}}
			require.Error(t, b.WriteBatchIfNewer(bg, ops, make([]backend.Prior, 2)))
			e, err := b.Stat(bg, keys[2])
			require.NoError(t, err)
			require.Equal(t, stamp(3), e.Timestamp)

			// PutIfNewer reports the state it compared with.
			p, err := b.PutIfNewer(bg, keys[2], put(keys[2], 3).Entry)
			require.NoError(t, err)
			require.Equal(t, backend.Prior{Entry: backend.Entry{Timestamp: stamp(3)}, Found: true}, p)
			p, err = b.PutIfNewer(bg, keys[2], backend.Entry{Timestamp: stamp(30), Deleted: true})
			require.NoError(t, err)
			require.Equal(t, backend.Prior{Entry: backend.Entry{Timestamp: stamp(3)}, Found: true, Written: true}, p)
			p, err = b.PutIfNewer(bg, "fresh", backend.Entry{Value: []byte("v"), Timestamp: stamp(1)})
			require.NoError(t, err)
			require.Equal(t, backend.Prior{Written: true}, p)
			e, err = b.Stat(bg, keys[2])
			require.NoError(t, err)
			require.Equal(t, backend.Entry{Timestamp: stamp(30), Deleted: true}, e)
		})
	}
}

// TestNewerWriterLookups: a PutIfNewer of a key the cache holds reads
// nothing from RocksDB, one it does not hold reads it once, and a batch
// reads each key it does not hold once, however often the key appears.
func TestNewerWriterLookups(t *testing.T) {
	b, _ := openTemp(t, nil)
	require.NoError(t, b.Put(bg, "cached", textEntry("v", 1)))
	n := pointLookups(func() {
		_, err := b.PutIfNewer(bg, "cached", textEntry("w", 2))
		require.NoError(t, err)
	})
	require.Zero(t, n, "a cached key")

	// Keys in the memtable that the cache has not seen: written under
	// the Backend's feet.
	for _, k := range []string{"a", "b", "c"} {
		rec, err := backend.AppendRecord(nil, textEntry("v", 1))
		require.NoError(t, err)
		require.NoError(t, b.db.PutCF(b.native.write, b.data, []byte(k), rec))
	}
	n = pointLookups(func() {
		p, err := b.PutIfNewer(bg, "a", textEntry("x", 3))
		require.NoError(t, err)
		require.True(t, p.Written)
		p, err = b.PutIfNewer(bg, "a", textEntry("y", 3))
		require.NoError(t, err)
		require.False(t, p.Written)
	})
	require.Equal(t, uint64(1), n, "one lookup, then the cache")
	ops := []backend.Op{
		{Key: "b", Entry: textEntry("x", 3)}, {Key: "c", Entry: textEntry("x", 3)},
		{Key: "b", Entry: textEntry("y", 4)}, {Key: "new", Entry: textEntry("x", 3)},
		{Key: "a", Entry: textEntry("z", 4)},
	}
	prior := make([]backend.Prior, len(ops))
	n = pointLookups(func() {
		require.NoError(t, b.WriteBatchIfNewer(bg, ops, prior))
	})
	require.Equal(t, uint64(3), n, "b, c and new, once each")
	for i, want := range []bool{true, true, true, true, true} {
		require.Equal(t, want, prior[i].Written, "op %d", i)
	}
}

// TestPutIfNewerConcurrent: writers race PutIfNewer and WriteBatchIfNewer
// on a few keys with random timestamps; each key ends at the newest
// timestamp written, and every write that was made compared with an older
// state, every one that was not with a state as new or newer.
func TestPutIfNewerConcurrent(t *testing.T) {
	for _, entries := range []int{0, 2, -1} {
		t.Run(fmt.Sprint("cache entries ", entries), func(t *testing.T) {
			b, err := Open(filepath.Join(t.TempDir(), "db"), &Options{CreateIfMissing: true, MetaCacheEntries: entries})
			require.NoError(t, err)
			defer b.Close(bg)
			keys := []string{"a", "b"}
			var (
				mu     sync.Mutex
				newest = map[string]uint64{}
				clock  atomic.Uint64
			)
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(w), 3))
					for range 1000 {
						k := keys[rng.IntN(len(keys))]
						// Rising, so that most calls write, and close
						// among writers, so that they race.
						ts := 1 + clock.Add(1) + rng.Uint64N(16)
						e := backend.Entry{Value: fmt.Appendf(nil, "%d", ts), Timestamp: stamp(ts)}
						var written bool
						if rng.IntN(2) == 0 {
							p, err := b.PutIfNewer(bg, k, e)
							assert.NoError(t, err)
							written = p.Written
							assert.True(t, !p.Written || !p.Found || p.Entry.Timestamp.Compare(e.Timestamp) < 0)
							assert.True(t, p.Written || p.Found && p.Entry.Timestamp.Compare(e.Timestamp) >= 0)
						} else {
							prior := make([]backend.Prior, 1)
							assert.NoError(t, b.WriteBatchIfNewer(bg, []backend.Op{{Key: k, Entry: e}}, prior))
							written = prior[0].Written
						}
						if written {
							mu.Lock()
							newest[k] = max(newest[k], ts)
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			for k, ts := range newest {
				e, err := b.Get(bg, k)
				require.NoError(t, err)
				require.Equal(t, stamp(ts), e.Timestamp, k)
				require.Equal(t, fmt.Sprint(ts), string(e.Value), k)
			}
		})
	}
}

// TestWriteBatchRep: the serialized WriteBatch that WriteBatchIfNewer
// hands to RocksDB is byte for byte the one RocksDB builds for the same
// puts, with keys and records of every length class of a varint.
func TestWriteBatchRep(t *testing.T) {
	var ops []backend.Op
	for _, n := range []int{0, 1, 127, 128, 300, 20000} {
		ops = append(ops, backend.Op{
			Key:   fmt.Sprintf("k/%0*d", max(1, n/2), n),
			Entry: backend.Entry{Value: make([]byte, n), Encoding: "text/plain", Timestamp: stamp(uint64(n + 1))},
		})
	}
	ops = append(ops, backend.Op{Key: "", Entry: backend.Entry{Timestamp: stamp(9), Deleted: true}})
	prior := make([]backend.Prior, len(ops))
	for i := range prior {
		prior[i].Written = i != 2 // one op left out
	}
	rep, err := appendWriteBatchRep(nil, ops, prior, len(ops)-1)
	require.NoError(t, err)

	wb := grocksdb.NewWriteBatch()
	defer wb.Destroy()
	for i, op := range ops {
		if !prior[i].Written {
			continue
		}
		rec, err := backend.AppendRecord(nil, op.Entry)
		require.NoError(t, err)
		wb.Put([]byte(op.Key), rec)
	}
	require.Equal(t, wb.Data(), rep)
}
