// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

// #cgo CXXFLAGS: -std=c++17
// #cgo LDFLAGS: -lrocksdb
// #include <stdlib.h>
// #include "native.h"
import "C"

import (
	"encoding/binary"
	"errors"
	"unsafe"

	"github.com/linxGnu/grocksdb"
)

// The read paths call RocksDB's C API through the helpers of native.c,
// which do in one call what grocksdb's wrappers do in three (a point read:
// get, value, destroy) or in four per entry (an iterator step: valid, key,
// value, next), without grocksdb's allocations per call. So do the writes
// of user keys that the Store makes through backend.NewerWriter (a put, a
// batch of puts, a compare-and-put). Opening and everything else go
// through grocksdb.
//
// grocksdb v1.7.14 exports no accessor for the C objects it wraps; it
// keeps each in the first field of its handle (DB.c, ColumnFamilyHandle.c),
// which is where nativeDB and nativeFamily read it. The size checks below
// break the build if a new grocksdb changes those structs, and
// TestNativePointers checks the pointers against grocksdb's own calls.
var (
	_ [unsafe.Sizeof(grocksdb.DB{}) - 4*unsafe.Sizeof(uintptr(0))]struct{}
	_ [4*unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(grocksdb.DB{})]struct{}
	_ [unsafe.Sizeof(grocksdb.ColumnFamilyHandle{}) - unsafe.Sizeof(uintptr(0))]struct{}
	_ [unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(grocksdb.ColumnFamilyHandle{})]struct{}
	_ [unsafe.Sizeof(grocksdb.WriteOptions{}) - unsafe.Sizeof(uintptr(0))]struct{}
	_ [unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(grocksdb.WriteOptions{})]struct{}
)

func nativeDB(db *grocksdb.DB) *C.rocksdb_t {
	return *(**C.rocksdb_t)(unsafe.Pointer(db))
}

func nativeFamily(h *grocksdb.ColumnFamilyHandle) *C.rocksdb_column_family_handle_t {
	return *(**C.rocksdb_column_family_handle_t)(unsafe.Pointer(h))
}

func nativeWriteOptions(o *grocksdb.WriteOptions) *C.rocksdb_writeoptions_t {
	return *(**C.rocksdb_writeoptions_t)(unsafe.Pointer(o))
}

// handles are the C objects that the native paths use; valid until the
// Backend releases the database.
type handles struct {
	db   *C.rocksdb_t
	ro   *C.rocksdb_readoptions_t  // default read options, shared
	wo   *C.rocksdb_writeoptions_t // the Backend's write options (owned by nativeOptions)
	data *C.rocksdb_column_family_handle_t
	meta *C.rocksdb_column_family_handle_t // nil when b.meta is
}

func newHandles(db *grocksdb.DB, wo *grocksdb.WriteOptions, data, meta *grocksdb.ColumnFamilyHandle) handles {
	h := handles{db: nativeDB(db), ro: C.rocksdb_readoptions_create(), wo: nativeWriteOptions(wo), data: nativeFamily(data)}
	if meta != nil {
		h.meta = nativeFamily(meta)
	}
	return h
}

func (h *handles) free() {
	C.rocksdb_readoptions_destroy(h.ro)
}

// cError converts and releases an error of the C API.
func cError(err *C.char) error {
	if err == nil {
		return nil
	}
	defer C.rocksdb_free(unsafe.Pointer(err))
	return errors.New(C.GoString(err))
}

// bytesPtr returns a pointer to the bytes of b for the length of one C
// call, or nil for an empty b.
func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.SliceData(b)))
}

// get reads key from the family cf and calls read with its value, which is
// valid only during the call (buf, or RocksDB's pinned copy when it does
// not fit). With truncate, read gets at most the first len(buf) bytes of
// the value. It reports whether the key was found.
func (h *handles) get(cf *C.rocksdb_column_family_handle_t, key string, buf []byte, truncate bool, read func([]byte)) (bool, error) {
	k := keyBytes(key)
	r := C.strata_get(h.db, h.ro, cf, bytesPtr(k), C.size_t(len(k)),
		bytesPtr(buf), C.size_t(len(buf)), cBool(truncate))
	if err := cError(r.err); err != nil {
		return false, err
	}
	if r.found == 0 {
		return false, nil
	}
	if r.pinned == nil {
		read(buf[:min(int(r.len), len(buf))])
		return true, nil
	}
	defer C.rocksdb_pinnableslice_destroy(r.pinned)
	read(pinnedValue(r.pinned))
	return true, nil
}

// iterator is a RocksDB iterator over one column family, with its own
// read options. It is used by one goroutine and must be closed.
type iterator struct {
	s *C.strata_iter
}

// newIterator returns an iterator over cf bounded above by upper (nil: no
// bound).
func (h *handles) newIterator(cf *C.rocksdb_column_family_handle_t, upper []byte) *iterator {
	var u *C.char
	if upper != nil {
		u = (*C.char)(unsafe.Pointer(unsafe.SliceData(upper)))
	}
	return &iterator{s: C.strata_iter_new(h.db, cf, u, C.size_t(len(upper)))}
}

func (it *iterator) close() {
	C.strata_iter_free(it.s)
}

// fillResult is what one fill wrote and where it stopped.
type fillResult struct {
	n    int  // entries in the buffer
	end  bool // no entry under the prefix is left
	big  bool // the last entry's value was not copied; the iterator is on it
	need int  // the buffer is too small for the next entry: bytes needed
}

// fill is strata_iter_fill (see native.c): seek (unless nil), step once
// with advance, then copy up to max entries under prefix into buf.
func (it *iterator) fill(seek []byte, advance bool, buf []byte, max int, prefix []byte, limit int, truncate bool) (fillResult, error) {
	var sk *C.char
	if seek != nil {
		sk = (*C.char)(unsafe.Pointer(unsafe.SliceData(seek)))
		if len(seek) == 0 {
			sk = (*C.char)(unsafe.Pointer(&zeroByte))
		}
	}
	r := C.strata_iter_fill(it.s, sk, C.size_t(len(seek)), cBool(advance), bytesPtr(buf), C.size_t(len(buf)),
		C.int(max), bytesPtr(prefix), C.size_t(len(prefix)), C.size_t(limit), cBool(truncate))
	res := fillResult{n: int(r.n), end: r.end != 0, big: r.big != 0, need: int(r.need)}
	return res, cError(r.err)
}

// zeroByte gives an empty seek target a non-nil pointer: nil means "do
// not seek".
var zeroByte byte

// value returns the value of the entry the iterator is on, valid until it
// moves.
func (it *iterator) value() []byte {
	v := C.strata_iter_value(it.s)
	return unsafe.Slice((*byte)(unsafe.Pointer(v.data)), int(v.len))
}

// pinnedValue views the value of a pinnable slice, valid until it is
// destroyed.
func pinnedValue(p *C.rocksdb_pinnableslice_t) []byte {
	var n C.size_t
	v := C.rocksdb_pinnableslice_value(p, &n)
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), int(n))
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// entryHeader is the size of an entry's header in a fill buffer.
const entryHeader = C.STRATA_ENTRY_HEADER

// nextEntry parses the entry at the start of buf: its key, its value (as
// much as was copied) and whether that is all of it, and returns the rest
// of buf.
func nextEntry(buf []byte) (key, value []byte, whole bool, rest []byte) {
	klen := int(binary.NativeEndian.Uint64(buf))
	vlen := int(binary.NativeEndian.Uint64(buf[8:]))
	copied := int(binary.NativeEndian.Uint64(buf[16:]))
	buf = buf[entryHeader:]
	return buf[:klen], buf[klen : klen+copied], copied == vlen, buf[klen+copied:]
}
