// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"hash/maphash"
	"math/bits"
	"sync"

	"github.com/stratakv/strata/backend"
)

// keyLocks serialize the writes of each key when the metadata cache is
// disabled (with the cache, its shards' locks do), so that the compare and
// write of backend.NewerWriter is atomic with respect to every write of
// the key through the Backend.
type keyLocks struct {
	seed maphash.Seed
	mu   [metaShards]paddedMutex
}

// paddedMutex keeps neighbouring locks off one cache line.
type paddedMutex struct {
	sync.Mutex
	_ [56]byte
}

func newKeyLocks() *keyLocks { return &keyLocks{seed: maphash.MakeSeed()} }

func (l *keyLocks) of(key string) *sync.Mutex {
	return &l.mu[maphash.String(l.seed, key)&(metaShards-1)].Mutex
}

// lock locks the keys of ops, in index order so that concurrent batches
// cannot deadlock, and returns the set of locks, one bit each.
func (l *keyLocks) lock(ops []backend.Op) uint64 {
	var set uint64
	for _, op := range ops {
		set |= 1 << (maphash.String(l.seed, op.Key) & (metaShards - 1))
	}
	for w := set; w != 0; w &= w - 1 {
		l.mu[bits.TrailingZeros64(w)].Lock()
	}
	return set
}

func (l *keyLocks) unlock(set uint64) {
	for w := set; w != 0; w &= w - 1 {
		l.mu[bits.TrailingZeros64(w)].Unlock()
	}
}
