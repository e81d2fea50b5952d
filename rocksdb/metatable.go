// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

// metaTable is one generation of a metadata cache shard: a hash table
// with open addressing and linear probing, whose slots hold the key's
// hash, the key and its metadata together, so that a lookup reads one
// slot (and the key's bytes to confirm it) where a map of pointers reads
// the map's own structures, the slot and then the entry it points to.
// It is kept at most three quarters full, so that a probe always ends at
// an empty slot.
type metaTable struct {
	slots []metaSlot // a power of two in length, or nil
	n     int        // slots in use
}

type metaSlot struct {
	tag  uint64 // the key's hash with the low bit set; 0 in an empty slot
	key  string
	meta cachedMeta
}

// minTableSlots is the size of a table's first allocation.
const minTableSlots = 8

// home is the slot where a key of hash h is looked for first: the bits
// of h above those that chose the shard.
func (t *metaTable) home(h uint64) int {
	return int(h>>metaShardBits) & (len(t.slots) - 1)
}

// find returns the slot that holds key, of hash h, and true; or false
// and the empty slot where the probe ended (-1 when t has no slots).
func (t *metaTable) find(key string, h uint64) (int, bool) {
	if t.slots == nil {
		return -1, false
	}
	tag, mask := h|1, len(t.slots)-1
	for i := t.home(h); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.tag == tag && sl.key == key {
			return i, true
		}
		if sl.tag == 0 {
			return i, false
		}
	}
}

// insert adds key, of hash h, which t does not hold, and returns its
// metadata's place, valid until t changes.
func (t *metaTable) insert(key string, h uint64, v cachedMeta) *cachedMeta {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	i, _ := t.find(key, h)
	t.slots[i] = metaSlot{tag: h | 1, key: key, meta: v}
	t.n++
	return &t.slots[i].meta
}

// grow doubles the table (or allocates its first slots).
func (t *metaTable) grow() {
	old := t.slots
	t.slots = make([]metaSlot, max(minTableSlots, 2*len(old)))
	mask := len(t.slots) - 1
	for k := range old {
		sl := &old[k]
		if sl.tag == 0 {
			continue
		}
		i := t.home(sl.tag)
		for t.slots[i].tag != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = *sl
	}
}

// remove empties slot i, and moves back the slots after it in its probe
// run that would no longer be found from their home slot (deletion by
// backward shift: no tombstones).
func (t *metaTable) remove(i int) {
	mask := len(t.slots) - 1
	for j := (i + 1) & mask; t.slots[j].tag != 0; j = (j + 1) & mask {
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
