// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stratakv/strata/backend"
)

// ErrLocked is wrapped by the error Open returns when another read-write
// handle holds the database: in this process, or in another one (whose
// process id the message names). RocksDB allows one writer per database.
var ErrLocked = errors.New("rocksdb: database is locked by another handle")

// ErrWritesStopped is wrapped by the error of a write that failed with an
// error that stops RocksDB's writes (an I/O error, such as a full disk, or
// corruption), and by the error of every write refused after one, without
// reaching RocksDB, until RocksDB has recovered: by itself when it can
// (after a full disk, once the free space reaches Options.WriteBufferSize;
// the next write notices within a second), or on Backend.Resume. Reads
// keep working meanwhile. See the package doc. It wraps
// backend.ErrUnavailable, which is how code that does not import this
// package (an HTTP handler answering 503, say) recognizes it.
var ErrWritesStopped = fmt.Errorf("rocksdb: writes stopped by a write error, until RocksDB recovers: %w", backend.ErrUnavailable)

// Status codes of RocksDB, as the C API reports them: it gives a status
// only as the text of Status::ToString, whose fixed prefix is the code.
const (
	statusCorruption = "Corruption"
	statusIOError    = "IO error"
	statusBusy       = "Resource busy"
)

// statusCode returns the code of a RocksDB status error: the text before
// the first ": ".
func statusCode(err error) string {
	code, _, _ := strings.Cut(err.Error(), ": ")
	return code
}

// stopsWrites reports whether the error of a write is one that RocksDB
// makes a background error of, after which it refuses writes until it
// recovers: an I/O error (a full disk included) or corruption.
func stopsWrites(err error) bool {
	c := statusCode(err)
	return c == statusIOError || c == statusCorruption
}

// nativeError maps an error of RocksDB onto the sentinels of package
// backend, by status code, naming the operation and the key. It is the
// one place where native errors are classified.
func nativeError(op, key string, err error) error {
	if statusCode(err) == statusCorruption {
		return fmt.Errorf("rocksdb: %s %q: %w: %w", op, key, backend.ErrCorrupt, err)
	}
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, err)
}

// recordError wraps an error of backend.DecodeRecord (which wraps
// backend.ErrCorrupt) or of backend.AppendRecord.
func recordError(op, key string, err error) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, err)
}

func errNotFound(op, key string) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, backend.ErrNotFound)
}

func errClosed(op, key string) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, backend.ErrClosed)
}

func errReadOnly(op, key string) error {
	return fmt.Errorf("rocksdb: %s %q: opened with Options.ReadOnly: %w", op, key, backend.ErrReadOnly)
}

func errContext(op, key string, err error) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, err)
}

func errStopped(op, key string, cause error) error {
	return fmt.Errorf("rocksdb: %s %q: refused: %w: %w", op, key, ErrWritesStopped, cause)
}
