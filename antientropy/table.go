// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import "hash/maphash"

// keyTable maps keys to entry references with open addressing and linear
// probing: 4 bytes per slot, at most 3/4 full, so 5 to 11 bytes per key,
// where a Go map of string keys costs 30 to 60. Deletion shifts the
// following slots back (no tombstones). Not safe for concurrent use.
type keyTable struct {
	slots []uint32 // entry reference, 0 = empty
	n     int
	seed  maphash.Seed
	keyOf func(ref uint32) string
}

func newKeyTable(keyOf func(uint32) string) keyTable {
	return keyTable{slots: make([]uint32, 64), seed: maphash.MakeSeed(), keyOf: keyOf}
}

func (t *keyTable) home(key string) int {
	return int(maphash.String(t.seed, key) & uint64(len(t.slots)-1))
}

// find returns the reference stored for key, or 0.
func (t *keyTable) find(key string) uint32 {
	mask := len(t.slots) - 1
	for i := t.home(key); ; i = (i + 1) & mask {
		ref := t.slots[i]
		if ref == 0 {
			return 0
		}
		if t.keyOf(ref) == key {
			return ref
		}
	}
}

// insert adds ref under key, which must not be present.
func (t *keyTable) insert(key string, ref uint32) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	t.place(key, ref)
	t.n++
}

func (t *keyTable) place(key string, ref uint32) {
	mask := len(t.slots) - 1
	i := t.home(key)
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = ref
}

func (t *keyTable) grow() {
	old := t.slots
	t.slots = make([]uint32, 2*len(old))
	for _, ref := range old {
		if ref != 0 {
			t.place(t.keyOf(ref), ref)
		}
	}
}

// remove deletes key, which must be present.
func (t *keyTable) remove(key string) {
	mask := len(t.slots) - 1
	i := t.home(key)
	for t.keyOf(t.slots[i]) != key {
		i = (i + 1) & mask
	}
	// Shift back the slots after i whose home is not in (i, j].
	for j := (i + 1) & mask; t.slots[j] != 0; j = (j + 1) & mask {
		h := t.home(t.keyOf(t.slots[j]))
		if (j-h)&mask >= (j-i)&mask {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = 0
	t.n--
}
