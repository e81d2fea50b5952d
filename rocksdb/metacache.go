// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"hash/maphash"
	"strings"
	"sync"

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
// Each shard is bounded by two generations: entries go into cur; when cur
// is full it becomes old and the previous old is dropped; an entry found
// in old moves back to cur. Recently used keys stay, the others age out,
// and a shard never holds more than 2*half entries.
//
// A key is hashed once: the low bits of its hash choose the shard, the
// others its place in the shard's tables (metaTable), which hold the
// metadata beside the key.
type metaCache struct {
	seed   maphash.Seed
	shards []metaShard
}

// metaShards is the number of shards (a power of two, at most 64: sets of
// shards are bits of a uint64), and metaShardBits its logarithm.
const (
	metaShards    = 64
	metaShardBits = 6
)

type metaShard struct {
	mu   sync.Mutex
	cur  metaTable
	old  metaTable
	half int
	rec  []byte   // a record being written under mu (PutIfNewer)
	_    [24]byte // keeps neighbouring shards' locks off one cache line
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
	}
	return c
}

// hash returns key's hash, which locate and the shards' methods take.
func (c *metaCache) hash(key string) uint64 { return maphash.String(c.seed, key) }

// shardIndex returns the index of the shard of a key of hash h.
func shardIndex(h uint64) int { return int(h & (metaShards - 1)) }

// locate returns key's shard and hash.
func (c *metaCache) locate(key string) (*metaShard, uint64) {
	h := c.hash(key)
	return &c.shards[shardIndex(h)], h
}

// forget drops key from its shard, whose lock must be held.
func (c *metaCache) forget(key string) {
	s, h := c.locate(key)
	s.forget(key, h)
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
	if i, ok := s.cur.find(key, h); ok {
		return &s.cur.slots[i].meta, true
	}
	if i, ok := s.old.find(key, h); ok {
		sl := s.old.slots[i]
		s.old.remove(i)
		return s.insert(sl.key, h, sl.meta), true
	}
	return nil, false
}

// set records the metadata of key, of hash h, and returns where it is
// kept, valid as get's result is; s.mu must be held.
func (s *metaShard) set(key string, h uint64, v cachedMeta) *cachedMeta {
	if i, ok := s.cur.find(key, h); ok {
		m := &s.cur.slots[i].meta
		*m = v
		return m
	}
	if i, ok := s.old.find(key, h); ok {
		k := s.old.slots[i].key
		s.old.remove(i)
		return s.insert(k, h, v)
	}
	// The key is cloned so that the cache never pins a larger string the
	// caller sliced it from.
	return s.insert(strings.Clone(key), h, v)
}

// insert adds a key that neither generation holds.
func (s *metaShard) insert(key string, h uint64, v cachedMeta) *cachedMeta {
	if s.cur.n >= s.half {
		s.old = s.cur
		s.cur = metaTable{slots: make([]metaSlot, len(s.old.slots))}
	}
	return s.cur.insert(key, h, v)
}

// forget drops key, of hash h, whose state in the database is unknown
// (after a failed write); s.mu must be held.
func (s *metaShard) forget(key string, h uint64) {
	if i, ok := s.cur.find(key, h); ok {
		s.cur.remove(i)
	}
	if i, ok := s.old.find(key, h); ok {
		s.old.remove(i)
	}
}

// len returns the number of cached keys, for tests.
func (c *metaCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += s.cur.n + s.old.n
		s.mu.Unlock()
	}
	return n
}
