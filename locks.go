// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"hash/maphash"
	"math/bits"
	"sync"
)

// stripes are per-key locks: a key hashes to one of a fixed set of
// mutexes, so writers of different keys rarely contend and writers of one
// key are serialized without a lock per key.
type stripes struct {
	seed maphash.Seed
	once sync.Once
	mu   [stripeCount]paddedMutex
}

// stripeCount is the number of stripes, a multiple of 64 (stripeSet).
const stripeCount = 256

// stripeSet is a set of stripes, one bit each.
type stripeSet [stripeCount / 64]uint64

func (set *stripeSet) add(i int) { set[i/64] |= 1 << (i % 64) }

// lock takes the stripes of set in index order, so that goroutines that
// lock sets cannot deadlock.
func (s *stripes) lock(set *stripeSet) {
	for w, word := range set {
		for ; word != 0; word &= word - 1 {
			s.mu[w*64+bits.TrailingZeros64(word)].Lock()
		}
	}
}

func (s *stripes) unlock(set *stripeSet) {
	for w, word := range set {
		for ; word != 0; word &= word - 1 {
			s.mu[w*64+bits.TrailingZeros64(word)].Unlock()
		}
	}
}

// paddedMutex keeps neighbouring stripes off one cache line.
type paddedMutex struct {
	sync.Mutex
	_ [56]byte
}

func (s *stripes) of(key string) *sync.Mutex { return &s.mu[s.index(key)].Mutex }

// index is the stripe of key.
func (s *stripes) index(key string) int {
	s.once.Do(func() { s.seed = maphash.MakeSeed() })
	return int(maphash.String(s.seed, key) % uint64(len(s.mu)))
}

// lockAll takes every stripe, in order: no key can be written until
// unlockAll. Wildcard deletes use it to publish themselves atomically.
func (s *stripes) lockAll() {
	for i := range s.mu {
		s.mu[i].Lock()
	}
}

func (s *stripes) unlockAll() {
	for i := range s.mu {
		s.mu[i].Unlock()
	}
}
