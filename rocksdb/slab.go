// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import "unsafe"

// A scan with values copies each key and value it yields out of RocksDB.
// A slab cuts those copies out of shared chunks instead of allocating
// each: for keys of tens of bytes and values of hundreds, a chunk holds
// dozens of them, and a scan of ten thousand keys allocates a few
// hundred times instead of twenty thousand.
//
// What it hands out stays valid and belongs to the caller: a value's
// capacity ends with it (appending to it copies it elsewhere), a key is a
// string over bytes that nothing writes again, and a chunk is never
// reused. The price is memory: a key or value that the caller keeps keeps
// its whole chunk (slabChunk bytes) alive.
const (
	slabChunk = 4 << 10
	// slabMax is the longest piece cut from a chunk; a longer one is
	// allocated on its own.
	slabMax = 512
)

type slab struct {
	free []byte // the rest of the current chunk
}

// bytes returns a copy of b, with its capacity equal to its length; not
// nil, even when b is empty.
func (s *slab) bytes(b []byte) []byte {
	n := len(b)
	if n > slabMax {
		out := make([]byte, n)
		copy(out, b)
		return out
	}
	if n > len(s.free) {
		s.free = make([]byte, slabChunk)
	}
	out := s.free[:n:n]
	copy(out, b)
	s.free = s.free[n:]
	return out
}

// string returns b as a string.
func (s *slab) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	c := s.bytes(b)
	return unsafe.String(unsafe.SliceData(c), len(c))
}
