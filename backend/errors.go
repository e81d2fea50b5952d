// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend

import "errors"

// Sentinel errors. Backends wrap them with %w and name the key; callers test
// them with errors.Is. A backend maps its technology's native errors onto
// these in one place, by error code, never by matching message text.
var (
	// ErrNotFound: no entry (or metadata record) under the key.
	ErrNotFound = errors.New("backend: not found")
	// ErrCorrupt: a stored record could not be decoded (foreign data, a
	// newer format, or damage).
	ErrCorrupt = errors.New("backend: corrupt record")
	// ErrConflict: a conditional write found the key changed.
	ErrConflict = errors.New("backend: conflicting write")
	// ErrReadOnly: the backend was opened read-only and refuses writes.
	ErrReadOnly = errors.New("backend: read-only")
	// ErrClosed: the backend was closed.
	ErrClosed = errors.New("backend: closed")
	// ErrInvalidKey: the technology cannot store this key (too long, say).
	ErrInvalidKey = errors.New("backend: invalid key")
	// ErrUnavailable: the backend cannot serve the operation for now (a
	// full disk, say); the same operation may succeed later, and nothing
	// was changed. rocksdb.ErrWritesStopped wraps it.
	ErrUnavailable = errors.New("backend: temporarily unavailable")
)
