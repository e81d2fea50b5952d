// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// metaCache remembers the latest metadata of keys this Backend wrote or
// stat'ed, so that Stat (which the Store calls before every write) is
// answered from memory. It is exact, not a hint: RocksDB's lock makes this
// process the only writer, and every write of a key and every fill of its
// cache entry from the database happen under the lock of the key's shard,
// so the cache and the database change together.
//
// Each shard is bounded by two generations (metaTable): entries go into
// cur; when cur holds half entries it becomes old and the previous old is
// dropped (its slots are reused for the new cur); an entry found in old
// moves back to cur. Recently used keys stay, the others age out, and a
// shard never holds more than 2*half entries.
//
// A key is hashed once per call: the low bits of its hash choose the
// shard, the hash places it in the shard's tables. A slot's address
// follows from the hash alone, so a caller can have it loaded from memory
// ahead of a write (Backend.Prefetch, which the Store calls as a write
// begins), and a batch has all of its keys' slots loaded before it takes
// their shards' locks.
type metaCache struct {
	seed   maphash.Seed
	shards []metaShard
}

// metaShards is the number of shards (a power of two, at most 64: sets of
// shards are bits of a uint64).
const metaShards = 64

type metaShard struct {
	mu sync.Mutex
	// The generations, changed under mu; prefetch loads them without it.
	cur, old atomic.Pointer[metaTable]
	half     int      // the entries of a generation
	size     int      // the slots of a table of half entries
	rec      []byte   // a record being written under mu (PutIfNewer)
	_        [64]byte // keeps neighbouring shards' locks off one cache line
}

// cachedMeta is what Stat returns for a key, or that the key is absent.
type cachedMeta struct {
	ts      hlc.Timestamp
	enc     string
	deleted bool
	absent  bool
}

// newMetaCache returns a cache of at most about entries entries, or nil
// (no cache) when entries is negative.
func newMetaCache(entries int) *metaCache {
	if entries < 0 {
		return nil
	}
	half := max(1, (entries+2*metaShards-1)/(2*metaShards))
	c := &metaCache{seed: maphash.MakeSeed(), shards: make([]metaShard, metaShards)}
	for i := range c.shards {
		c.shards[i].half = half
		c.shards[i].size = (4*half + 2) / 3 // at most three quarters full
	}
	return c
}

// hash returns key's hash, which the shards' methods take.
func (c *metaCache) hash(key string) uint64 { return maphash.String(c.seed, key) }

// shardIndex returns the index of the shard of a key of hash h.
func shardIndex(h uint64) int { return int(h & (metaShards - 1)) }

// shard returns the shard of a key of hash h.
func (c *metaCache) shard(h uint64) *metaShard { return &c.shards[shardIndex(h)] }

// locate returns key's shard and hash.
func (c *metaCache) locate(key string) (*metaShard, uint64) {
	h := c.hash(key)
	return c.shard(h), h
}

// forget drops key, whose shard's lock must be held (metaShard.forget).
func (c *metaCache) forget(key string) {
	s, h := c.locate(key)
	s.forget(key, h)
}

// prefetch starts loading the slots of a key of hash h into the caches,
// without the shard's lock.
func (c *metaCache) prefetch(h uint64) {
	s := c.shard(h)
	if t := s.cur.Load(); t != nil {
		t.prefetch(h)
	}
	if t := s.old.Load(); t != nil {
		t.prefetch(h)
	}
}

func metaOf(e *backend.Entry) cachedMeta {
	return cachedMeta{ts: e.Timestamp, enc: e.Encoding, deleted: e.Deleted}
}

// entry returns the metadata as a Stat result.
func (m *cachedMeta) entry() backend.Entry {
	return backend.Entry{Encoding: m.enc, Timestamp: m.ts, Deleted: m.deleted}
}

// get returns the cached metadata of key, of hash h; s.mu must be held,
// and the result is valid only until s.mu is released or the shard
// changes.
func (s *metaShard) get(key string, h uint64) (*cachedMeta, bool) {
	if cur := s.cur.Load(); cur != nil {
		if i, ok := cur.find(key, h); ok {
			return &cur.slots[i].meta, true
		}
	}
	if old := s.old.Load(); old != nil {
		if i, ok := old.find(key, h); ok {
			sl := old.slots[i]
			old.remove(i)
			return s.room().adopt(&sl), true
		}
	}
	return nil, false
}

// set records the metadata of key, of hash h, and returns where it is
// kept, valid as get's result is; s.mu must be held.
func (s *metaShard) set(key string, h uint64, v cachedMeta) *cachedMeta {
	if m, ok := s.get(key, h); ok {
		*m = v
		return m
	}
	return s.room().insert(key, h, v)
}

// room returns the current generation, with room for one more key: a new
// generation when it holds half keys, a larger table when it is three
// quarters full. s.mu must be held.
func (s *metaShard) room() *metaTable {
	cur := s.cur.Load()
	switch {
	case cur == nil:
		cur = newMetaTable(min(minTableSlots, s.size))
	case cur.n >= s.half:
		next := s.old.Load()
		if next != nil && len(next.slots) == s.size {
			next.clear()
		} else {
			next = newMetaTable(min(minTableSlots, s.size))
		}
		s.old.Store(cur)
		cur = next
	case cur.full():
		cur = cur.grown(min(2*len(cur.slots), s.size))
	default:
		return cur
	}
	s.cur.Store(cur)
	return cur
}

// forget drops key, of hash h, whose state in the database is unknown
// (after a failed write); s.mu must be held.
func (s *metaShard) forget(key string, h uint64) {
	for _, t := range [...]*metaTable{s.cur.Load(), s.old.Load()} {
		if t == nil {
			continue
		}
		if i, ok := t.find(key, h); ok {
			t.remove(i)
		}
	}
}

// len returns the number of cached keys, for tests.
func (c *metaCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for _, t := range [...]*metaTable{s.cur.Load(), s.old.Load()} {
			if t != nil {
				n += t.n
			}
		}
		s.mu.Unlock()
	}
	return n
}

// Prefetch implements backend.Prefetcher: it starts loading the slots of
// key's entry in the metadata cache into the processor's caches, for a
// PutIfNewer or Stat of key that follows.
func (b *Backend) Prefetch(key string) {
	if b.cache != nil {
		b.cache.prefetch(b.cache.hash(key))
	}
}
