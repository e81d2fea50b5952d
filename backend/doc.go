// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package backend is the contract between the Store and a storage
// technology. It is for people who write backends; users of strata open a
// backend (memory.New, rocksdb.Open, s3.Open) and hand it to strata.Open.
//
// The shape is that of database/sql/driver: a small required interface,
// Backend, and optional capabilities (Batcher, Conditional, NewerWriter,
// Prefetcher, Aser) that the Store discovers by type assertion. Validation, defaults,
// last-writer-wins, tombstones, closed state and statistics live once, in
// the Store, so backends stay small: they store entries under keys and
// scan key prefixes. NewerWriter is the one place where a backend compares
// timestamps, for speed, and only in the one step of a write.
//
// Every backend passes backendtest.RunConformanceTests and reports
// backendtest.RunBenchmarks.
//
// # Records
//
// AppendRecord and DecodeRecord (or ViewRecord, which copies nothing) give
// durable backends one versioned byte layout for an Entry (metadata in
// front, value last), so a metadata-only read never copies a value.
//
// # Errors
//
// Backends wrap the sentinels of this package (ErrNotFound, ErrCorrupt,
// ErrConflict, ErrReadOnly, ErrClosed, ErrInvalidKey) with %w, naming the
// key, and map native errors onto them by code.
//
// # Concurrency
//
// Every Backend is safe for concurrent use by multiple goroutines. Close
// waits for operations in flight.
//
// # Context
//
// Every call that may do I/O takes a context first; a backend stops work
// and returns ctx.Err() (wrapped) when the context ends.
package backend
