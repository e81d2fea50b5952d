// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package memory is a volatile, in-process backend: the default for tests,
// examples and demos, and the reference that the conformance suite is
// written against. Everything is lost when the process ends or the backend
// is closed.
//
// It keeps entries in a skip list ordered by key, so prefix scans seek
// instead of scanning, and copies values in and out so that callers may
// reuse their slices. A Backend is safe for concurrent use.
package memory

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"sync"

	"github.com/stratakv/strata/backend"
)

// Backend is the in-memory backend. Create it with New.
type Backend struct {
	mu     sync.RWMutex
	list   *skiplist
	meta   map[string][]byte
	closed bool
}

var (
	_ backend.Backend = (*Backend)(nil)
	_ backend.Batcher = (*Backend)(nil)
)

// New returns an empty in-memory backend.
func New() *Backend {
	return &Backend{list: newSkiplist(), meta: make(map[string][]byte)}
}

// scanBatch is how many entries a scan copies under the read lock before it
// releases the lock and yields them, so that the loop body may write.
const scanBatch = 128

func errClosed(op, key string) error {
	return fmt.Errorf("memory: %s %q: %w", op, key, backend.ErrClosed)
}

// Get implements backend.Backend.
func (b *Backend) Get(ctx context.Context, key string) (backend.Entry, error) {
	return b.lookup(ctx, "get", key, true)
}

// Stat implements backend.Backend.
func (b *Backend) Stat(ctx context.Context, key string) (backend.Entry, error) {
	return b.lookup(ctx, "stat", key, false)
}

func (b *Backend) lookup(ctx context.Context, op, key string, withValue bool) (backend.Entry, error) {
	if err := ctx.Err(); err != nil {
		return backend.Entry{}, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return backend.Entry{}, errClosed(op, key)
	}
	n, ok := b.list.get(key)
	if !ok {
		return backend.Entry{}, fmt.Errorf("memory: %s %q: %w", op, key, backend.ErrNotFound)
	}
	return copyEntry(n.entry, withValue), nil
}

// Put implements backend.Backend.
func (b *Backend) Put(ctx context.Context, key string, e backend.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e = copyEntry(e, !e.Deleted) // outside the lock
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errClosed("put", key)
	}
	b.list.put(key, e)
	return nil
}

// Remove implements backend.Backend.
func (b *Backend) Remove(ctx context.Context, key string) error {
	return b.WriteBatch(ctx, []backend.Op{{Key: key, Remove: true}})
}

// WriteBatch implements backend.Batcher: the ops are applied atomically.
func (b *Backend) WriteBatch(ctx context.Context, ops []backend.Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Copy outside the lock.
	entries := make([]backend.Entry, len(ops))
	for i, op := range ops {
		if !op.Remove {
			entries[i] = copyEntry(op.Entry, !op.Entry.Deleted)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		key := ""
		if len(ops) > 0 {
			key = ops[0].Key
		}
		return errClosed("write", key)
	}
	for i, op := range ops {
		if op.Remove {
			b.list.remove(op.Key)
		} else {
			b.list.put(op.Key, entries[i])
		}
	}
	return nil
}

// Scan implements backend.Backend.
func (b *Backend) Scan(ctx context.Context, prefix string, opts *backend.ScanOptions) iter.Seq2[backend.Item, error] {
	var o backend.ScanOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(backend.Item, error) bool) {
		from := prefix
		if o.Start > from {
			from = o.Start
		}
		batch := make([]backend.Item, 0, scanBatch)
		for {
			if err := ctx.Err(); err != nil {
				yield(backend.Item{}, err)
				return
			}
			var more bool
			var err error
			batch, more, err = b.fill(batch[:0], prefix, from, &o)
			if err != nil {
				yield(backend.Item{}, err)
				return
			}
			for _, it := range batch {
				if !yield(it, nil) {
					return
				}
			}
			if !more {
				return
			}
			from = batch[len(batch)-1].Key + "\x00"
		}
	}
}

// fill copies up to scanBatch matching entries with keys >= from under the
// read lock, and reports whether the prefix may hold more.
func (b *Backend) fill(batch []backend.Item, prefix, from string, o *backend.ScanOptions) ([]backend.Item, bool, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return batch, false, errClosed("scan", prefix)
	}
	for n := b.list.seek(from, nil); n != nil; n = n.next[0] {
		if !strings.HasPrefix(n.key, prefix) {
			return batch, false, nil
		}
		if o.Match != nil && !o.Match(n.key) {
			continue
		}
		batch = append(batch, backend.Item{Key: n.key, Entry: copyEntry(n.entry, !o.KeysOnly)})
		if len(batch) == scanBatch {
			return batch, true, nil
		}
	}
	return batch, false, nil
}

// GetMeta implements backend.Backend.
func (b *Backend) GetMeta(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return nil, errClosed("get metadata", name)
	}
	v, ok := b.meta[name]
	if !ok {
		return nil, fmt.Errorf("memory: get metadata %q: %w", name, backend.ErrNotFound)
	}
	return append([]byte(nil), v...), nil
}

// PutMeta implements backend.Backend.
func (b *Backend) PutMeta(ctx context.Context, name string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errClosed("put metadata", name)
	}
	if value == nil {
		delete(b.meta, name)
		return nil
	}
	b.meta[name] = append([]byte(nil), value...)
	return nil
}

// Len returns the number of entries, tombstones included.
func (b *Backend) Len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.list.length
}

// Close implements backend.Backend: it drops every entry.
func (b *Backend) Close(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		b.list = newSkiplist()
		b.meta = nil
	}
	return nil
}

func copyEntry(e backend.Entry, withValue bool) backend.Entry {
	if withValue && e.Value != nil {
		e.Value = append(make([]byte, 0, len(e.Value)), e.Value...)
	} else {
		e.Value = nil
	}
	return e
}
