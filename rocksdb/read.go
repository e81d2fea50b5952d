// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"unsafe"

	"github.com/stratakv/strata/backend"
)

// keyBytes views s as bytes without copying, for RocksDB calls that read
// the key and do not keep it.
func keyBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// Get implements backend.Backend: one point lookup.
func (b *Backend) Get(ctx context.Context, key string) (backend.Entry, error) {
	if err := b.enter(ctx, "get", key); err != nil {
		return backend.Entry{}, err
	}
	defer b.life.leave()
	e, found, err := b.lookup("get", key, true)
	if err == nil && !found {
		err = errNotFound("get", key)
	}
	return e, err
}

// Stat implements backend.Backend. It answers from the metadata cache when
// it can; otherwise it makes the lookup Get makes, decodes only the header
// of the record and never copies the value.
func (b *Backend) Stat(ctx context.Context, key string) (backend.Entry, error) {
	if err := b.enter(ctx, "stat", key); err != nil {
		return backend.Entry{}, err
	}
	defer b.life.leave()
	if b.cache == nil {
		e, found, err := b.lookup("stat", key, false)
		if err == nil && !found {
			err = errNotFound("stat", key)
		}
		return e, err
	}
	s, h := b.cache.locate(key)
	s.mu.Lock()
	if m, ok := s.get(key, h); ok {
		e, absent := m.entry(), m.absent
		s.mu.Unlock()
		if absent {
			return backend.Entry{}, errNotFound("stat", key)
		}
		return e, nil
	}
	// The read and the fill happen under the shard's lock, which writers
	// of the key hold too: no write can slip between them.
	e, found, err := b.lookup("stat", key, false)
	switch {
	case err != nil:
	case found:
		s.set(key, h, metaOf(&e))
	default:
		s.set(key, h, cachedMeta{absent: true})
	}
	s.mu.Unlock()
	if err == nil && !found {
		err = errNotFound("stat", key)
	}
	return e, err
}

// readBufferSize is the size of the buffers that point reads copy records
// into (in the same call as the lookup); a longer record is read where
// RocksDB pinned it.
const readBufferSize = 8 << 10

// lookup reads key's record, in one point lookup, and decodes it, with its
// value or not. A record is copied into a buffer, then its value into the
// result; without the value, the header is decoded where RocksDB pinned the
// record, and nothing is copied.
func (b *Backend) lookup(op, key string, withValue bool) (backend.Entry, bool, error) {
	var buf []byte
	if withValue {
		p := getBuffer(&b.readBufs, readBufferSize)
		defer putBuffer(&b.readBufs, p)
		buf = *p
	}
	var (
		e    backend.Entry
		derr error
	)
	found, err := b.h.get(b.h.data, key, buf, false, func(rec []byte) {
		e, derr = b.decode(rec, withValue, nil)
	})
	switch {
	case err != nil:
		return backend.Entry{}, false, nativeError(op, key, err)
	case !found:
		return backend.Entry{}, false, nil
	case derr != nil:
		return backend.Entry{}, false, recordError(op, key, derr)
	}
	return e, true, nil
}

// GetMeta implements backend.Backend.
func (b *Backend) GetMeta(ctx context.Context, name string) ([]byte, error) {
	if err := b.enter(ctx, "get metadata", name); err != nil {
		return nil, err
	}
	defer b.life.leave()
	if b.meta == nil { // a read-only open of a database without metadata
		return nil, errNotFound("get metadata", name)
	}
	buf := getBuffer(&b.readBufs, readBufferSize)
	defer putBuffer(&b.readBufs, buf)
	var value []byte
	found, err := b.h.get(b.h.meta, name, *buf, false, func(v []byte) {
		value = append([]byte{}, v...)
	})
	switch {
	case err != nil:
		return nil, nativeError("get metadata", name, err)
	case !found:
		return nil, errNotFound("get metadata", name)
	}
	return value, nil
}
