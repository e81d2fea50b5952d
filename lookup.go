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
	var smp Sample
	if !s.sample(&smp, key, &e, &ScanOptions{}) {
		return Sample{}, errNotFound(key)
	}
	s.stats.bytesRead.Add(uint64(len(smp.Value)))
	return smp, nil
}

func errNotFound(key string) error {
	return fmt.Errorf("strata: lookup %q: %w", key, ErrNotFound)
}
