// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"

	"github.com/stratakv/strata/backend"
)

// Lookup returns the live sample stored under one concrete key, with one
// backend read and no iterator. A key that was never written, or whose
// latest change is a delete (its own tombstone, or a remembered wildcard
// delete newer than its value), is an error wrapping ErrNotFound. A key
// with wildcards, or otherwise invalid, is an error wrapping
// ErrInvalidKey; a key outside the store's key expression, ErrOutOfScope;
// after Close, ErrClosed.
//
// Lookup sees what Get(ctx, key) yields; the returned Sample and its Value
// belong to the caller.
func (s *Store) Lookup(ctx context.Context, key string) (Sample, error) {
	if !s.enter() {
		return Sample{}, errClosed("lookup", key)
	}
	defer s.leave()
	if err := s.checkKey("lookup", key); err != nil {
		return Sample{}, err
	}
	s.stats.gets.Add(1)
	e, err := s.b.Get(ctx, s.backendKey(key))
	if err != nil {
		if errors.Is(err, backend.ErrNotFound) {
			return Sample{}, errNotFound(key)
		}
		return Sample{}, wrapErr("lookup", key, err)
	}
	// What sample does, without copying the entry and the sample between
	// calls: a Lookup is mostly a backend read, and these copies were a
	// visible part of the rest.
	if s.wildcards.idx.count.Load() != 0 {
		if _, ok := s.wildcards.idx.covering(key, e.Timestamp); ok {
			return Sample{}, errNotFound(key)
		}
	}
	if e.Deleted {
		return Sample{}, errNotFound(key)
	}
	s.stats.bytesRead.Add(uint64(len(e.Value)))
	return Sample{Key: key, Value: e.Value, Encoding: e.Encoding, Timestamp: e.Timestamp, Kind: KindPut}, nil
}

func errNotFound(key string) error {
	return fmt.Errorf("strata: lookup %q: %w", key, ErrNotFound)
}
