// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend

import (
	"context"
	"iter"

	"github.com/stratakv/strata/hlc"
)

// Entry is what a backend stores under one key: a value or a tombstone, with
// the metadata that the Store needs to decide last-writer-wins.
type Entry struct {
	// Value is the payload; nil for tombstones and for metadata-only reads.
	Value []byte
	// Encoding is a MIME-like description of Value; may be empty.
	Encoding string
	// Timestamp is the HLC timestamp of the write that produced the entry.
	Timestamp hlc.Timestamp
	// Deleted marks a tombstone: the key was deleted at Timestamp.
	Deleted bool
}

// Item is one entry yielded by Backend.Scan, with its backend key.
type Item struct {
	Key   string
	Entry Entry
}

// ScanOptions tune Backend.Scan. A nil *ScanOptions means the zero value.
type ScanOptions struct {
	// KeysOnly asks for keys and metadata only: Entry.Value is nil and the
	// backend must not fetch, copy or allocate values (a keys-only scan of
	// a million entries must not cost a million value downloads). A
	// backend that keeps metadata and value in one record may still have
	// its storage read the record's blocks.
	KeysOnly bool
	// Start, if not empty, skips the keys that sort before it: the scan
	// yields keys k with k >= Start. Used to resume a scan page by page.
	Start string
	// Match, if not nil, is called with each key before its value is read;
	// keys for which it returns false are not yielded, and their values are
	// never read. It must be cheap and must not call into the backend.
	Match func(key string) bool
}

// Backend is the contract a storage technology implements for the Store.
//
// Keys are backend keys: the Store has already removed its strip prefix, so
// a key may be the empty string "", which must round-trip like any other.
// Keys are valid UTF-8 key expressions without wildcards (or ""), at most a
// few KiB long; a backend whose technology cannot store a key returns an
// error that wraps ErrInvalidKey.
//
// Backends do not compare timestamps: the Store decides what to write,
// except through the optional NewerWriter capability, where the backend
// compares timestamps and writes in one step (the Store still decides
// everything else). All
// methods are safe for concurrent use. Slices passed in (values) are not
// retained after a call returns; slices returned are owned by the caller.
// After Close, every method returns an error that wraps ErrClosed.
type Backend interface {
	// Get returns the entry stored under key, value included, tombstones
	// included, or an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) (Entry, error)

	// Stat is Get without the value: Entry.Value is nil. Backends make it
	// as cheap as their technology allows (an S3 HEAD, say).
	Stat(ctx context.Context, key string) (Entry, error)

	// Put stores e under key, replacing whatever was there; e.Value and the
	// metadata are written atomically: a reader sees both or neither.
	Put(ctx context.Context, key string, e Entry) error

	// Remove erases key physically (garbage collection of tombstones). A
	// missing key is not an error.
	Remove(ctx context.Context, key string) error

	// Scan yields the entries whose keys start with prefix (a byte prefix,
	// not necessarily on a chunk boundary), in ascending byte order of keys,
	// tombstones included. Breaking out of the loop early releases every
	// resource the scan held. An error ends the scan: it is yielded once,
	// with a zero Item. Writes made during a scan may or may not be seen.
	Scan(ctx context.Context, prefix string, opts *ScanOptions) iter.Seq2[Item, error]

	// GetMeta reads a record of the store-metadata space, which is separate
	// from the keys above: no Scan yields it. Missing: ErrNotFound.
	GetMeta(ctx context.Context, name string) ([]byte, error)

	// PutMeta writes a store-metadata record durably; a nil value removes it.
	PutMeta(ctx context.Context, name string, value []byte) error

	// ScanMeta yields the store-metadata records whose names start with
	// prefix, in ascending byte order of names. The Store keeps one record
	// per remembered wildcard delete and reads them all with it at Open
	// (and, over a backend that other processes share, periodically).
	// Breaking out of the loop early releases the scan; an error ends it
	// and is yielded once, with a zero MetaRecord.
	ScanMeta(ctx context.Context, prefix string) iter.Seq2[MetaRecord, error]

	// Close releases the backend. It waits for operations in flight and is
	// idempotent: a second call returns nil. If ctx ends first, Close
	// returns ctx.Err() and the backend is released when the last
	// operation in flight ends; it refuses new ones either way.
	Close(ctx context.Context) error
}

// Op is one write in a batch: a Put of Entry, or a Remove when Remove is set.
type Op struct {
	Key    string
	Entry  Entry
	Remove bool
}

// Batcher is an optional capability: write many entries in one call, all
// or nothing where the technology allows it (RocksDB: one WriteBatch). A
// backend without it is written to one op at a time.
type Batcher interface {
	WriteBatch(ctx context.Context, ops []Op) error
}

// Version is an opaque token that identifies one stored state of a key, for
// conditional writes. The zero Version means "the key does not exist".
type Version string

// Conditional is an optional capability for backends that other processes
// may write concurrently (an S3 bucket shared by several writers): the Store
// reads the metadata and a version, decides, and writes only if the key is
// still at that version, retrying on ErrConflict.
type Conditional interface {
	// StatVersion is Stat plus the version of the state it read. A missing
	// key returns an error wrapping ErrNotFound and the zero Version.
	//
	// It may answer from a cache of what this process wrote or read, since
	// the write that follows is conditional: a cached timestamp is never
	// newer than the stored one (timestamps only grow), and a key that is
	// not cached may be answered as missing, optimistically. After
	// PutIfVersion returned ErrConflict for a key, the next StatVersion of
	// that key reads the stored state.
	StatVersion(ctx context.Context, key string) (Entry, Version, error)
	// PutIfVersion writes e only if key is still at version v (the zero
	// Version: only if the key does not exist); otherwise it returns an
	// error wrapping ErrConflict and changes nothing.
	PutIfVersion(ctx context.Context, key string, e Entry, v Version) error
}

// Aser is the escape hatch to the technology's native client (a
// *grocksdb.DB, a *minio.Client): As sets *target and reports true when
// target is a pointer to a type the backend can provide.
type Aser interface {
	As(target any) bool
}

// ConditionalRemover is an optional capability of Conditional backends:
// RemoveIfVersion erases key only if it is still at version v, and
// otherwise returns an error wrapping ErrConflict and changes nothing.
// Garbage collection uses it, so that a tombstone rewritten by another
// process between the check and the erase is kept. A backend whose server
// cannot make the erase conditional (which it may learn only at run time)
// returns an error wrapping errors.ErrUnsupported and erases nothing; the
// Store then erases without the condition.
type ConditionalRemover interface {
	RemoveIfVersion(ctx context.Context, key string, v Version) error
}
