// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/stratakv/strata/backend"
)

// wildcards is the set of remembered wildcard deletes: an index that
// readers and writers consult without locking, and mu, which serializes
// every change (a delete with its tombstones, garbage collection, loading
// the deletes of other processes).
type wildcards struct {
	mu   sync.Mutex
	idx  *wildcardIndex
	seen string // the latest-delete marker when the records were last read
}

// metaWildcardLatest names the record of the latest wildcard delete, over
// a backend that several processes share: each delete writes its record,
// then this marker, so that the others poll one small record and read all
// the records only when it changed.
const metaWildcardLatest = "strata/wd-latest"

// readLatest reads the latest-delete marker ("" if there is none).
func (s *Store) readLatest(ctx context.Context) (string, error) {
	v, err := s.b.GetMeta(ctx, metaWildcardLatest)
	if errors.Is(err, backend.ErrNotFound) {
		return "", nil
	}
	return string(v), err
}

// WildcardDeletes returns the wildcard deletes the store remembers, as
// KindDelete samples whose keys are expressions, oldest first. The
// replication layer rebuilds its log with them.
func (s *Store) WildcardDeletes() []Sample {
	list := s.wildcards.idx.all()
	out := make([]Sample, len(list))
	for i, wd := range list {
		out[i] = Sample{Key: wd.expr.String(), Timestamp: wd.ts, Kind: KindDelete}
	}
	slices.SortFunc(out, func(a, b Sample) int { return a.Timestamp.Compare(b.Timestamp) })
	return out
}

// loadWildcards reads the remembered wildcard deletes at Open, converts a
// list record of an earlier version, erases records that newer deletes of
// the same expression superseded, finishes the deletes a crash or an
// error left unfinished, and raises the clock past every one of them.
func (s *Store) loadWildcards(ctx context.Context) error {
	s.wildcards.idx = newWildcardIndex()
	if s.cond != nil {
		latest, err := s.readLatest(ctx)
		if err != nil {
			return fmt.Errorf("strata: open: reading wildcard deletes: %w", err)
		}
		s.wildcards.seen = latest
	}
	live, stale, err := loadWildcards(ctx, s.b)
	if err != nil {
		return fmt.Errorf("strata: open: %w", err)
	}
	legacy, err := loadLegacyWildcards(ctx, s.b)
	if err != nil {
		return fmt.Errorf("strata: open: %w", err)
	}
	idx := s.wildcards.idx
	for _, wd := range live {
		idx.put(wd)
	}
	var converted []wildcardDelete
	for _, wd := range legacy {
		if cur, ok := idx.get(wd.expr); !ok || cur.ts.Compare(wd.ts) < 0 {
			idx.put(wd)
			converted = append(converted, wd)
		}
	}
	for _, wd := range idx.all() {
		s.cfg.Clock.Raise(wd.ts.Time)
	}
	if s.cfg.ReadOnly {
		return nil
	}
	for _, wd := range converted {
		if err := saveWildcard(ctx, s.b, wd); err != nil {
			return wrapErr("open: converting wildcard delete", wd.expr.String(), err)
		}
	}
	if legacy != nil {
		if err := s.b.PutMeta(ctx, metaWildcardsV1, nil); err != nil {
			return wrapErr("open: converting wildcard deletes", "", err)
		}
	}
	for _, wd := range stale {
		if err := s.b.PutMeta(ctx, wd.recordName(), nil); err != nil {
			return wrapErr("open: erasing a superseded wildcard delete", wd.expr.String(), err)
		}
	}
	return s.finishPending(ctx, "open")
}

// finishPending finishes every remembered delete whose tombstones are not
// all written.
func (s *Store) finishPending(ctx context.Context, op string) error {
	s.wildcards.mu.Lock()
	defer s.wildcards.mu.Unlock()
	pending := 0
	for _, wd := range s.wildcards.idx.all() {
		if wd.done {
			continue
		}
		pending++
		if _, err := s.finishWild(ctx, wd); err != nil {
			return fmt.Errorf("strata: %s: finishing the interrupted wildcard delete %q: %w", op, wd.expr, err)
		}
	}
	if pending > 0 {
		s.cfg.Logger.Info("strata: finished interrupted wildcard deletes", "keyexpr", s.cfg.KeyExpr, "count", pending, "during", op)
	}
	return nil
}

// refreshWildcards adds the deletes that other processes sharing the
// backend remembered since the last look.
func (s *Store) refreshWildcards(ctx context.Context) error {
	latest, err := s.readLatest(ctx)
	if err != nil || latest == s.wildcards.seen {
		return err
	}
	live, _, err := loadWildcards(ctx, s.b)
	if err != nil {
		return err
	}
	s.wildcards.seen = latest
	s.wildcards.mu.Lock()
	defer s.wildcards.mu.Unlock()
	var fresh []wildcardDelete
	for _, wd := range live {
		if cur, ok := s.wildcards.idx.get(wd.expr); !ok || cur.ts.Compare(wd.ts) < 0 {
			fresh = append(fresh, wd)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	s.publishWildcards(fresh...)
	for _, wd := range fresh {
		s.cfg.Clock.Raise(wd.ts.Time)
	}
	return nil
}

// publishWildcards files deletes in the index under every key lock: a
// writer that checked the index before has finished its write, and every
// later writer sees them. The locks are released even if a Watch callback
// panics. wildcards.mu must be held.
func (s *Store) publishWildcards(wds ...wildcardDelete) {
	s.locks.lockAll()
	defer s.locks.unlockAll()
	for _, wd := range wds {
		s.wildcards.idx.put(wd)
	}
	for _, wd := range wds {
		s.watchers.notify(&Sample{Key: wd.expr.String(), Timestamp: wd.ts, Kind: KindDelete})
	}
}

// forgetWildcard drops wd from the index and erases its record.
// wildcards.mu must be held.
func (s *Store) forgetWildcard(ctx context.Context, wd wildcardDelete) error {
	if err := s.b.PutMeta(ctx, wd.recordName(), nil); err != nil {
		return err
	}
	s.wildcards.idx.remove(wd.expr, wd.ts)
	return nil
}
