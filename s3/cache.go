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
// A wrong answer costs a round trip, never a lost write: the write that
// follows StatVersion is conditional on the ETag, and a conflict marks the
// key stale so that the next StatVersion reads the stored state.
type versionCache struct {
	mu  sync.Mutex
	max int // <= 0: disabled
	m   map[string]cachedVersion
}

type cachedVersion struct {
	entry backend.Entry // Value always nil
	etag  string
	stale bool // a conditional write conflicted: ask the server
}

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

// set records that key is at etag with the metadata of e.
func (c *versionCache) set(key string, e backend.Entry, etag string) {
	if !c.enabled() {
		return
	}
	e.Value = nil
	c.put(key, cachedVersion{entry: e, etag: etag})
}

// markStale records that key changed behind the cache's back.
func (c *versionCache) markStale(key string) {
	if !c.enabled() {
		return
	}
	c.put(key, cachedVersion{stale: true})
}

func (c *versionCache) put(key string, v cachedVersion) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = v
}

// forget drops what the cache knows of key: the next StatVersion answers
// "missing", optimistically.
func (c *versionCache) forget(key string) {
	if !c.enabled() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

// len returns the number of cached keys.
func (c *versionCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
