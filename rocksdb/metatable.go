// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"math/bits"
	"strings"
	"unsafe"

	"github.com/stratakv/strata/internal/prefetch"
)

// metaTable is one generation of a metadata cache shard: a hash table
// with open addressing and linear probing whose slots hold the key's
// hash, the key itself (when it is short) and its metadata, in two cache
// lines. A lookup of a key reads its slot and nothing else, and the slot's
// address follows from the key's hash alone, so that it can be prefetched
// before the lookup (prefetch).
//
// A table is kept at most three quarters full, so that a probe ends at an
// empty slot. Its slots never move to another array: it grows into a new
// table (grown), so that prefetch may read slots without the shard's lock.
type metaTable struct {
	slots []metaSlot
	n     int // slots in use
}

// metaSlot is a key's place in a metaTable: 128 bytes, two cache lines.
type metaSlot struct {
	tag  uint64 // the key's hash with the low bit set; 0 in an empty slot
	meta cachedMeta
	long string // the key, when it is longer than inlineKey
	klen uint8  // the key's length when it is inline; longKey when not
	key  [inlineKey]byte
}

const (
	// inlineKey is the longest key a slot holds itself; a longer one is
	// kept apart (long), and its lookup reads it there too.
	inlineKey = int(128 - 8 - unsafe.Sizeof(cachedMeta{}) - 16 - 1)
	longKey   = 0xff
)

var _ [128 - unsafe.Sizeof(metaSlot{})]struct{} // a slot fits two lines

// minTableSlots is the size of a table's first allocation.
const minTableSlots = 8

// newMetaTable returns an empty table of n slots.
func newMetaTable(n int) *metaTable {
	return &metaTable{slots: make([]metaSlot, n)}
}

// home is the slot where the key of a tag (its hash with the low bit set)
// is looked for first.
func (t *metaTable) home(tag uint64) int {
	hi, _ := bits.Mul64(tag, uint64(len(t.slots)))
	return int(hi)
}

// holds reports whether the slot holds key.
func (sl *metaSlot) holds(key string) bool {
	if sl.klen == longKey {
		return sl.long == key
	}
	return int(sl.klen) == len(key) && string(sl.key[:sl.klen]) == key
}

// fill makes sl the slot of key, of hash h, with metadata v.
func (sl *metaSlot) fill(key string, h uint64, v cachedMeta) {
	*sl = metaSlot{tag: h | 1, meta: v}
	if len(key) > inlineKey {
		// Cloned, so that the cache never pins a larger string the
		// caller sliced the key from.
		sl.long, sl.klen = strings.Clone(key), longKey
		return
	}
	sl.klen = uint8(copy(sl.key[:], key))
}

// find returns the index of the slot that holds key, of hash h, and true;
// or false and the empty slot where the probe ended.
func (t *metaTable) find(key string, h uint64) (int, bool) {
	tag := h | 1
	for i := t.home(tag); ; {
		sl := &t.slots[i]
		if sl.tag == tag && sl.holds(key) {
			return i, true
		}
		if sl.tag == 0 {
			return i, false
		}
		if i++; i == len(t.slots) {
			i = 0
		}
	}
}

// full reports whether one more key would fill t beyond three quarters.
func (t *metaTable) full() bool { return 4*(t.n+1) > 3*len(t.slots) }

// insert adds key, of hash h, which t does not hold and which fits in t
// (!t.full()), and returns its metadata's place, valid until t changes.
func (t *metaTable) insert(key string, h uint64, v cachedMeta) *cachedMeta {
	i, _ := t.find(key, h)
	sl := &t.slots[i]
	sl.fill(key, h, v)
	t.n++
	return &sl.meta
}

// adopt adds the slot of a key that t does not hold and that fits in t,
// and returns its metadata's place, valid until t changes.
func (t *metaTable) adopt(from *metaSlot) *cachedMeta {
	i := t.vacancy(from.tag)
	t.slots[i] = *from
	t.n++
	return &t.slots[i].meta
}

// vacancy returns the first empty slot from the home of tag on.
func (t *metaTable) vacancy(tag uint64) int {
	i := t.home(tag)
	for t.slots[i].tag != 0 {
		if i++; i == len(t.slots) {
			i = 0
		}
	}
	return i
}

// grown returns a table of n slots (at least t.n*4/3) holding t's slots.
func (t *metaTable) grown(n int) *metaTable {
	g := newMetaTable(n)
	for k := range t.slots {
		sl := &t.slots[k]
		if sl.tag == 0 {
			continue
		}
		g.slots[g.vacancy(sl.tag)] = *sl
	}
	g.n = t.n
	return g
}

// remove empties slot i, and moves back the slots after it in its probe
// run that would no longer be found from their home slot (deletion by
// backward shift: no tombstones).
func (t *metaTable) remove(i int) {
	n := len(t.slots)
	for j := (i + 1) % n; t.slots[j].tag != 0; j = (j + 1) % n {
		// Slot j may move to the hole at i unless its home lies
		// cyclically in (i, j].
		home := t.home(t.slots[j].tag)
		if (i <= j && i < home && home <= j) || (i > j && (i < home || home <= j)) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = metaSlot{}
	t.n--
}

// clear empties t, keeping its slots for reuse.
func (t *metaTable) clear() {
	clear(t.slots)
	t.n = 0
}

// prefetch starts loading the home slot of a key of hash h into the
// caches. It reads only t.slots, which never changes, and may run
// concurrently with anything.
func (t *metaTable) prefetch(h uint64) {
	if len(t.slots) == 0 {
		return
	}
	prefetch.Lines(uintptr(unsafe.Pointer(&t.slots[t.home(h|1)])), 2)
}
