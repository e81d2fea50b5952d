// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package memory

import (
	"math/rand/v2"

	"github.com/stratakv/strata/backend"
)

// skiplist is an ordered map from string keys to entries. It is not safe for
// concurrent use; Backend guards it with a lock.
type skiplist struct {
	head   node
	level  int
	length int
	rng    *rand.PCG
}

const (
	maxLevel = 24 // enough for 4^24 keys at p = 1/4
)

type node struct {
	key   string
	entry backend.Entry
	next  []*node
}

func newSkiplist() *skiplist {
	return &skiplist{
		head:  node{next: make([]*node, maxLevel)},
		level: 1,
		rng:   rand.NewPCG(0x5eed, 0x57a7a),
	}
}

func (s *skiplist) randomLevel() int {
	l := 1
	for x := s.rng.Uint64(); l < maxLevel && x&3 == 0; x >>= 2 {
		l++
	}
	return l
}

// seek returns the first node whose key is >= key, or nil; when update is
// not nil it receives, per level, the last node before that position.
func (s *skiplist) seek(key string, update *[maxLevel]*node) *node {
	x := &s.head
	for i := s.level - 1; i >= 0; i-- {
		for x.next[i] != nil && x.next[i].key < key {
			x = x.next[i]
		}
		if update != nil {
			update[i] = x
		}
	}
	return x.next[0]
}

func (s *skiplist) get(key string) (*node, bool) {
	n := s.seek(key, nil)
	if n == nil || n.key != key {
		return nil, false
	}
	return n, true
}

func (s *skiplist) put(key string, e backend.Entry) {
	var update [maxLevel]*node
	n := s.seek(key, &update)
	if n != nil && n.key == key {
		n.entry = e
		return
	}
	l := s.randomLevel()
	if l > s.level {
		for i := s.level; i < l; i++ {
			update[i] = &s.head
		}
		s.level = l
	}
	n = &node{key: key, entry: e, next: make([]*node, l)}
	for i := range l {
		n.next[i] = update[i].next[i]
		update[i].next[i] = n
	}
	s.length++
}

func (s *skiplist) remove(key string) {
	var update [maxLevel]*node
	n := s.seek(key, &update)
	if n == nil || n.key != key {
		return
	}
	for i := range len(n.next) {
		update[i].next[i] = n.next[i]
	}
	for s.level > 1 && s.head.next[s.level-1] == nil {
		s.level--
	}
	s.length--
}
