// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"hash/maphash"
	"strings"
	"sync/atomic"

	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// wildcardIndex finds the remembered wildcard deletes that match a key
// without looking at the others. A delete is filed under the literal
// chunks before its first wildcard (its keyexpr NonWildPrefix): every key
// it matches starts with those chunks, so a key's candidates are the
// deletes filed under one of its chunk prefixes ("", "a", "a/b", …).
//
// Readers take no lock: the index is a fixed array of shards, each an
// immutable map replaced as a whole (copy on write), and buckets are
// immutable too. Writers are serialized by the caller. Two summaries let
// most lookups stop at once: the newest time of any delete (a sample
// stamped after it cannot be covered: every local Put) and the set of
// prefix depths in use.
type wildcardIndex struct {
	seed   maphash.Seed
	shards [indexShards]atomic.Pointer[map[string]*wildcardBucket]
	count  atomic.Int64
	newest atomic.Uint64 // hlc.NTP64 of the newest delete; may only grow until a rebuild
	depths atomic.Uint64 // bit d: some prefix of d chunks holds a bucket (63: 63 or more)
}

const indexShards = 256

// wildcardBucket is the deletes filed under one prefix, with the newest
// time among them. Immutable once published.
type wildcardBucket struct {
	newest hlc.NTP64
	list   []wildcardDelete
}

func newWildcardIndex() *wildcardIndex { return &wildcardIndex{seed: maphash.MakeSeed()} }

// filing returns the prefix a delete is filed under and its depth in
// chunks.
func filing(expr keyexpr.KeyExpr) (string, int) {
	p := expr.NonWildPrefix()
	if p == "" {
		return "", 0
	}
	return p, strings.Count(p, "/") + 1
}

func depthBit(d int) uint64 { return 1 << min(d, 63) }

func (x *wildcardIndex) shard(prefix string) *atomic.Pointer[map[string]*wildcardBucket] {
	return &x.shards[maphash.String(x.seed, prefix)%indexShards]
}

// covering returns the newest remembered delete that matches key with a
// timestamp not older than atLeast, and whether there is one.
func (x *wildcardIndex) covering(key string, atLeast hlc.Timestamp) (hlc.Timestamp, bool) {
	if x.count.Load() == 0 || hlc.NTP64(x.newest.Load()) < atLeast.Time {
		return hlc.Timestamp{}, false
	}
	var (
		best  hlc.Timestamp
		found bool
	)
	depths := x.depths.Load()
	check := func(prefix string, depth int) {
		if depths&depthBit(depth) == 0 {
			return
		}
		m := x.shard(prefix).Load()
		if m == nil {
			return
		}
		b := (*m)[prefix]
		if b == nil || b.newest < atLeast.Time {
			return
		}
		for _, wd := range b.list {
			if wd.ts.Compare(atLeast) >= 0 && (!found || wd.ts.Compare(best) > 0) && wd.expr.Matches(key) {
				best, found = wd.ts, true
			}
		}
	}
	check("", 0)
	depth := 1
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			check(key[:i], depth)
			depth++
			if depths>>min(depth, 63) == 0 {
				return best, found // no deeper prefix holds a delete
			}
		}
	}
	if key != "" {
		check(key, depth)
	}
	return best, found
}

// get returns the delete of exactly expr, if remembered.
func (x *wildcardIndex) get(expr keyexpr.KeyExpr) (wildcardDelete, bool) {
	prefix, _ := filing(expr)
	m := x.shard(prefix).Load()
	if m == nil {
		return wildcardDelete{}, false
	}
	if b := (*m)[prefix]; b != nil {
		for _, wd := range b.list {
			if wd.expr == expr {
				return wd, true
			}
		}
	}
	return wildcardDelete{}, false
}

// put files wd, replacing the delete of the same expression if there is
// one. The caller serializes writers and publishes under the key locks.
func (x *wildcardIndex) put(wd wildcardDelete) {
	prefix, depth := filing(wd.expr)
	x.update(prefix, func(list []wildcardDelete) []wildcardDelete {
		for i, old := range list {
			if old.expr == wd.expr {
				next := append([]wildcardDelete(nil), list...)
				next[i] = wd
				return next
			}
		}
		x.count.Add(1)
		return append(append(make([]wildcardDelete, 0, len(list)+1), list...), wd)
	})
	x.depths.Or(depthBit(depth))
	for {
		cur := x.newest.Load()
		if uint64(wd.ts.Time) <= cur || x.newest.CompareAndSwap(cur, uint64(wd.ts.Time)) {
			break
		}
	}
}

// remove forgets the delete of expr if its timestamp is ts.
func (x *wildcardIndex) remove(expr keyexpr.KeyExpr, ts hlc.Timestamp) {
	prefix, _ := filing(expr)
	x.update(prefix, func(list []wildcardDelete) []wildcardDelete {
		for i, old := range list {
			if old.expr == expr && old.ts == ts {
				x.count.Add(-1)
				next := append([]wildcardDelete(nil), list[:i]...)
				return append(next, list[i+1:]...)
			}
		}
		return list
	})
}

// update replaces the bucket of prefix by change(bucket's list).
func (x *wildcardIndex) update(prefix string, change func([]wildcardDelete) []wildcardDelete) {
	sh := x.shard(prefix)
	var cur map[string]*wildcardBucket
	if m := sh.Load(); m != nil {
		cur = *m
	}
	var old []wildcardDelete
	if b := cur[prefix]; b != nil {
		old = b.list
	}
	list := change(old)
	next := make(map[string]*wildcardBucket, len(cur)+1)
	for k, v := range cur {
		next[k] = v
	}
	if len(list) == 0 {
		delete(next, prefix)
	} else {
		b := &wildcardBucket{list: list}
		for _, wd := range list {
			b.newest = max(b.newest, wd.ts.Time)
		}
		next[prefix] = b
	}
	sh.Store(&next)
}

// all returns every remembered delete, in no particular order.
func (x *wildcardIndex) all() []wildcardDelete {
	var out []wildcardDelete
	for i := range x.shards {
		if m := x.shards[i].Load(); m != nil {
			for _, b := range *m {
				out = append(out, b.list...)
			}
		}
	}
	return out
}

// depthsInUse recomputes the depth summary after removals (it only
// matters for speed: a stale bit costs a map lookup).
func (x *wildcardIndex) depthsInUse() uint64 {
	var d uint64
	for _, wd := range x.all() {
		_, depth := filing(wd.expr)
		d |= depthBit(depth)
	}
	return d
}
