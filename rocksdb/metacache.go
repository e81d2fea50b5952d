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
type metaCache struct {
	seed   maphash.Seed
	shards []metaShard
}

// metaShards is the number of shards (a power of two, at most 64: sets of
// shards are bits of a uint64).
const metaShards = 64

type metaShard struct {
	mu   sync.Mutex
	cur  map[string]*cachedMeta
	old  map[string]*cachedMeta
	half int
	rec  []byte   // a record being written under mu (PutIfNewer)
	_    [40]byte // keeps neighbouring shards' locks off one cache line
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
		c.shards[i].cur = make(map[string]*cachedMeta)
	}
	return c
}

// shardIndex returns the index of key's shard.
func (c *metaCache) shardIndex(key string) int {
	return int(maphash.String(c.seed, key) & (metaShards - 1))
}

func (c *metaCache) shard(key string) *metaShard {
	return &c.shards[c.shardIndex(key)]
}

func metaOf(e *backend.Entry) cachedMeta {
	return cachedMeta{ts: e.Timestamp, enc: e.Encoding, deleted: e.Deleted}
}

// entry returns the metadata as a Stat result.
func (m *cachedMeta) entry() backend.Entry {
	return backend.Entry{Encoding: m.enc, Timestamp: m.ts, Deleted: m.deleted}
}

// get returns key's cached metadata; s.mu must be held, and the result is
// valid only while it is.
func (s *metaShard) get(key string) (*cachedMeta, bool) {
	if m, ok := s.cur[key]; ok {
		return m, true
	}
	if m, ok := s.old[key]; ok {
		delete(s.old, key)
		s.insert(strings.Clone(key), m)
		return m, true
	}
	return nil, false
}

// set records key's metadata and returns where it is kept, which stays
// key's entry while s.mu is held and the shard has fewer than half
// inserts; s.mu must be held.
func (s *metaShard) set(key string, v cachedMeta) *cachedMeta {
	if m, ok := s.cur[key]; ok {
		*m = v
		return m
	}
	if m, ok := s.old[key]; ok {
		delete(s.old, key)
		*m = v
		s.insert(strings.Clone(key), m)
		return m
	}
	m := new(cachedMeta)
	*m = v
	// The key is cloned so that the cache never pins a larger string the
	// caller sliced it from.
	s.insert(strings.Clone(key), m)
	return m
}

func (s *metaShard) insert(key string, m *cachedMeta) {
	if len(s.cur) >= s.half {
		s.old = s.cur
		s.cur = make(map[string]*cachedMeta, s.half)
	}
	s.cur[key] = m
}

// forget drops key, whose state in the database is unknown (after a
// failed write); s.mu must be held.
func (s *metaShard) forget(key string) {
	delete(s.cur, key)
	delete(s.old, key)
}

// len returns the number of cached keys, for tests.
func (c *metaCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(s.cur) + len(s.old)
		s.mu.Unlock()
	}
	return n
}
