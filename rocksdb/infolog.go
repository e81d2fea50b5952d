// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

// #include <stdlib.h>
// #include "native.h"
import "C"

import (
	"path/filepath"
	"unsafe"

	"github.com/linxGnu/grocksdb"
)

// infoLogSize is the size past which the info log is renamed LOG.old and
// a new one begun. A variable for tests.
var infoLogSize = 8 << 20

// grocksdb v1.7.14 keeps the C options in the first field of Options; the
// checks break the build if that struct changes (see native.go).
var (
	_ [unsafe.Sizeof(grocksdb.Options{}) - 7*unsafe.Sizeof(uintptr(0))]struct{}
	_ [7*unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(grocksdb.Options{})]struct{}
)

func nativeDBOptions(o *grocksdb.Options) *C.rocksdb_options_t {
	return *(**C.rocksdb_options_t)(unsafe.Pointer(o))
}

// logTo makes RocksDB write its info log to the file LOG in dir, through
// the logger of recovery.cc, which ignores write errors, instead of its
// own, which aborts the process on a full disk (Debian's RocksDB is built
// with assertions; see recovery.cc). A read-write handle rotates the file
// past infoLogSize; a read-only one only appends to it.
func (n *nativeOptions) logTo(dir string, rotate bool) {
	path := C.CString(filepath.Join(dir, "LOG"))
	defer C.free(unsafe.Pointer(path))
	size := 0
	if rotate {
		size = infoLogSize
	}
	l := C.strata_logger_new(path, C.size_t(size), C.int(grocksdb.InfoInfoLogLevel))
	C.rocksdb_options_set_info_log(nativeDBOptions(n.db), l) // shares the logger
	C.strata_logger_free(l)
}
