// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"sync"

	"github.com/stratakv/strata/backend"
)

// versionCache remembers, per key, the metadata and ETag of the state that
// this process last wrote or read, so that Conditional.StatVersion needs no
// request. It is bounded: when full, an arbitrary entry makes room (Go's
// map iteration starts at a random place). Safe for concurrent use.
//
// A wrong answer costs a round trip, never a lost write, as long as the
// cache is never older than what this process wrote: the write that
// follows StatVersion is conditional on the ETag, and a conflict marks the
// key stale so that the next StatVersion reads the stored state. But an
// ETag says which bytes are stored, not which write stored them: after this
// process rewrote a body with identical bytes (a repeated value, a
// tombstone over a tombstone, without nonces), the older state and the
// newer one have the same ETag. If a read that began before the write
// (Get and Stat run outside the Store's key lock) filled the cache after
// it, the cache would answer the older timestamp with an ETag that still
// matches, and an older sample could replace the newer one.
//
// So changes are ordered by a sequence number. Every change that this
// process makes or observes through a write (set, markStale, forget)
// takes the next number and stamps the key's entry with it; a read takes a
// ticket (the current number) before its request, and fills the cache
// only if nothing changed the key since (fill, forgetMissing). Evicted
// and forgotten keys leave no stamp, so the latest number of a removal
// stands for them all: a read that began before it does not fill a key
// the cache does not hold.
type versionCache struct {
	mu      sync.Mutex
	max     int // <= 0: disabled
	m       map[string]cachedVersion
	seq     uint64 // the number of the latest change
	dropped uint64 // the number of the latest eviction or forget
}

type cachedVersion struct {
	entry backend.Entry // Value always nil
	etag  string
	stale bool   // a conditional write conflicted: ask the server
	seq   uint64 // the change that made this entry
}

// ticket orders a read against the changes: take it before the request.
type ticket uint64

func newVersionCache(max int) *versionCache {
	return &versionCache{max: max, m: make(map[string]cachedVersion)}
}

func (c *versionCache) enabled() bool { return c.max > 0 }

// get returns what the cache knows of key.
func (c *versionCache) get(key string) (cachedVersion, bool) {
	if !c.enabled() {
		return cachedVersion{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

// ticket returns the ticket of a read that starts now.
func (c *versionCache) ticket() ticket {
	if !c.enabled() {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return ticket(c.seq)
}

// set records that this process wrote e under key, which is now at etag.
func (c *versionCache) set(key string, e backend.Entry, etag string) {
	if !c.enabled() {
		return
	}
	e.Value = nil
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.put(key, cachedVersion{entry: e, etag: etag, seq: c.seq})
}

// fill records what a read that took ticket t found under key, unless the
// key changed since t: then the read may be older than the cache.
func (c *versionCache) fill(key string, e backend.Entry, etag string, t ticket) {
	if !c.enabled() {
		return
	}
	e.Value = nil
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.unchangedSince(key, t) {
		return
	}
	c.put(key, cachedVersion{entry: e, etag: etag, seq: uint64(t)})
}

// forgetMissing records that a read that took ticket t found no object
// under key, unless the key changed since t.
func (c *versionCache) forgetMissing(key string, t ticket) {
	if !c.enabled() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.unchangedSince(key, t) {
		return
	}
	c.drop(key)
}

// unchangedSince reports whether no change touched key after ticket t.
// c.mu must be held.
func (c *versionCache) unchangedSince(key string, t ticket) bool {
	if v, ok := c.m[key]; ok {
		return v.seq <= uint64(t)
	}
	return c.dropped <= uint64(t)
}

// markStale records that key changed behind the cache's back, or that a
// write's outcome is unknown.
func (c *versionCache) markStale(key string) {
	if !c.enabled() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.put(key, cachedVersion{stale: true, seq: c.seq})
}

// put stores v under key, evicting an arbitrary key when full. c.mu must be
// held.
func (c *versionCache) put(key string, v cachedVersion) {
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			c.drop(k)
			break
		}
	}
	c.m[key] = v
}

// drop removes key, remembering that a removal happened. c.mu must be held.
func (c *versionCache) drop(key string) {
	if _, ok := c.m[key]; ok {
		delete(c.m, key)
		c.seq++
		c.dropped = c.seq
	}
}

// forget drops what the cache knows of key after this process removed it:
// the next StatVersion answers "missing", optimistically.
func (c *versionCache) forget(key string) {
	if !c.enabled() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.drop(key)
	c.dropped = c.seq
}

// len returns the number of cached keys.
func (c *versionCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
