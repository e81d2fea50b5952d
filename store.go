// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// Store serves one key expression over one backend, with last-writer-wins
// by HLC timestamp, tombstones and remembered wildcard deletes. Create it
// with Open. A Store is safe for concurrent use by multiple goroutines.
type Store struct {
	cfg   *config
	b     backend.Backend
	cond  backend.Conditional // nil unless the backend has conditional writes
	batch backend.Batcher     // nil unless the backend writes batches
	newer backend.NewerWriter // nil unless the backend compares and writes, and has no conditional writes
	pre   backend.Prefetcher  // nil unless the backend prefetches

	locks     stripes
	wildcards wildcards
	watchers  watchers
	stats     counters

	noCondRemove atomic.Bool // the backend's server cannot erase conditionally

	clockMark   atomic.Uint64 // hlc.NTP64 persisted as the clock's high-water mark
	clockMarkMu sync.Mutex    // serializes writes of the mark

	closeMu        sync.Mutex // serializes Close
	closed         atomic.Bool
	done           chan struct{} // closed by Close
	inflight       atomic.Int64  // operations between enter and leave
	stopBackground context.CancelFunc
	background     sync.WaitGroup // garbage collection, wildcard refresh
}

// Open opens a store over b. It checks the options, reads the store
// metadata that b holds (creating it on first use), and starts background
// garbage collection. The store owns b from then on: Close closes it.
//
// Reopening a backend with a KeyExpr or StripPrefix other than the ones it
// was created with fails with ErrIncompatible.
func Open(ctx context.Context, b backend.Backend, opts *Options) (*Store, error) {
	if b == nil {
		return nil, errors.New("strata: open: nil backend")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, b: b, done: make(chan struct{})}
	s.cond, _ = b.(backend.Conditional)
	s.batch, _ = b.(backend.Batcher)
	s.pre, _ = b.(backend.Prefetcher)
	if s.cond == nil {
		s.newer, _ = b.(backend.NewerWriter)
	}
	if err := s.checkConfig(ctx); err != nil {
		return nil, err
	}
	if err := s.loadClockMark(ctx); err != nil {
		return nil, err
	}
	if err := s.loadWildcards(ctx); err != nil {
		return nil, err
	}
	bg, cancel := context.WithCancel(context.Background())
	s.stopBackground = cancel
	if !cfg.ReadOnly && cfg.GCInterval > 0 {
		s.background.Add(1)
		go s.runEvery(bg, cfg.GCInterval, "garbage collection failed", func(ctx context.Context) error {
			_, err := s.CollectGarbage(ctx)
			return err
		})
	}
	if s.cond != nil && cfg.WildcardRefresh > 0 {
		// Other processes' wildcard deletes, on a backend that several
		// processes share.
		s.background.Add(1)
		go s.runEvery(bg, cfg.WildcardRefresh, "reading other processes' wildcard deletes failed", s.refreshWildcards)
	}
	return s, nil
}

// runEvery calls do every interval until ctx ends, and logs its errors
// at Warn as what failed: the loop of one of the store's background
// tasks.
func (s *Store) runEvery(ctx context.Context, every time.Duration, what string, do func(context.Context) error) {
	defer s.background.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := do(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("strata: "+what, "keyexpr", s.cfg.KeyExpr, "err", err)
			}
		}
	}
}

// KeyExpr returns the canonical key expression the store serves.
func (s *Store) KeyExpr() string { return s.cfg.KeyExpr }

// StripPrefix returns the prefix removed from keys before the backend.
func (s *Store) StripPrefix() string { return s.cfg.strip }

// Clock returns the clock that stamps the store's writes.
func (s *Store) Clock() *hlc.Clock { return s.cfg.Clock }

// MaxValueSize returns the largest value the store accepts.
func (s *Store) MaxValueSize() int { return s.cfg.MaxValueSize }

// TombstoneLifespan returns how long deletes are remembered.
func (s *Store) TombstoneLifespan() time.Duration { return s.cfg.TombstoneLifespan }

// Close stops garbage collection, waits for the operations in flight (a
// running Get loop included: do not call Close from inside one, nor from a
// Watch callback), and closes the backend. Operations after Close return
// ErrClosed; a second Close returns nil. If ctx ends before the operations
// in flight do, Close returns an error wrapping ctx.Err() and the backend
// is closed when the last of them ends.
func (s *Store) Close(ctx context.Context) error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed.Swap(true) {
		return nil
	}
	close(s.done)
	s.stopBackground()
	s.background.Wait()
	if !s.drained(ctx) {
		// Close the backend once the last operation ends.
		go func() {
			s.drained(context.Background())
			if err := s.b.Close(context.Background()); err != nil {
				s.cfg.Logger.Warn("strata: closing the backend after Close gave up waiting", "err", err)
			}
		}()
		return fmt.Errorf("strata: close: waiting for operations in flight: %w", ctx.Err())
	}
	if err := s.saveClockMark(ctx, s.cfg.Clock.Last()); err != nil {
		s.cfg.Logger.Warn("strata: saving the clock's high-water mark at close failed", "keyexpr", s.cfg.KeyExpr, "err", err)
	}
	if err := s.b.Close(ctx); err != nil {
		return fmt.Errorf("strata: close: %w", err)
	}
	return nil
}

// drained waits until no operation is in flight, or ctx ends (false).
// Operations that entered before closed was set are still counted; those
// after it leave at once. Close is rare: polling is enough.
func (s *Store) drained(ctx context.Context) bool {
	for wait := 10 * time.Microsecond; s.inflight.Load() > 0; wait = min(2*wait, 10*time.Millisecond) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
	}
	return true
}

// enter registers an operation in flight; false once the store is closed.
// Either Close sees the increment, or the operation sees closed.
func (s *Store) enter() bool {
	s.inflight.Add(1)
	if s.closed.Load() {
		s.inflight.Add(-1)
		return false
	}
	return true
}

func (s *Store) leave() { s.inflight.Add(-1) }

func errClosed(op, key string) error {
	return fmt.Errorf("strata: %s %q: %w", op, key, ErrClosed)
}

// prefetch lets the backend bring the state of a key about to be written
// into the processor's caches while the write is checked and stamped
// (backend.Prefetcher). The key is not checked yet: only its length is
// bounded, so that an absurd one costs nothing.
func (s *Store) prefetch(key string) {
	if s.pre != nil && len(key) <= MaxKeyLen {
		s.pre.Prefetch(s.backendKey(key))
	}
}

// backendKey maps a full key in scope to its backend key.
func (s *Store) backendKey(key string) string {
	rest, _ := keyexpr.StripPrefix(key, s.cfg.strip)
	return rest
}

// fullKey maps a backend key back to the full key.
func (s *Store) fullKey(bkey string) string {
	return keyexpr.Join(s.cfg.strip, bkey)
}

// checkKey validates a concrete key and its scope.
func (s *Store) checkKey(op, key string) error {
	if len(key) > MaxKeyLen {
		return errKeyTooLong(op, key)
	}
	if err := keyexpr.ValidateKey(key); err != nil {
		return fmt.Errorf("strata: %s %q: %w: %w", op, key, ErrInvalidKey, err)
	}
	if !s.inScope(key) {
		return fmt.Errorf("strata: %s %q: %w %q", op, key, ErrOutOfScope, s.cfg.KeyExpr)
	}
	return nil
}

// inScope reports whether the store's key expression matches a valid key.
func (s *Store) inScope(key string) bool {
	if c := s.cfg; c.isSubtree {
		return inSubtree(key, c.subtreeBase, c.subtreeAll)
	}
	return s.cfg.expr.Matches(key)
}

// wrapErr names the operation and key, and adds ErrReadOnly to a backend's
// read-only refusal.
func wrapErr(op, key string, err error) error {
	if errors.Is(err, backend.ErrReadOnly) {
		return fmt.Errorf("strata: %s %q: %w: %w", op, key, ErrReadOnly, err)
	}
	if errors.Is(err, backend.ErrClosed) {
		return fmt.Errorf("strata: %s %q: %w: %w", op, key, ErrClosed, err)
	}
	return fmt.Errorf("strata: %s %q: %w", op, key, err)
}

// errKeyTooLong names the key by its start only.
func errKeyTooLong(op, key string) error {
	return fmt.Errorf("strata: %s %.64q…: %w: %d bytes, the limit is %d (MaxKeyLen)", op, key, ErrInvalidKey, len(key), MaxKeyLen)
}
