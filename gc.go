// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"time"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// GCResult says what one garbage collection removed.
type GCResult struct {
	Tombstones int // tombstones erased from the backend
	Wildcards  int // wildcard deletes forgotten
}

// CollectGarbage erases the tombstones and forgets the wildcard deletes
// older than TombstoneLifespan, by the store's clock. It runs in the
// background every GCInterval; call it to collect now.
func (s *Store) CollectGarbage(ctx context.Context) (GCResult, error) {
	var res GCResult
	if s.cfg.ReadOnly {
		return res, nil
	}
	if !s.enter() {
		return res, errClosed("collect garbage", "")
	}
	defer s.leave()
	now := s.cfg.Clock.PhysicalNow()
	life := hlc.FromDuration(s.cfg.TombstoneLifespan)
	if now <= life {
		return res, nil
	}
	cutoff := now - life

	expired := func(e backend.Entry) bool { return e.Deleted && e.Timestamp.Time < cutoff }
	started, scanned := time.Now(), 0
	nextLog := started.Add(progressEvery)
	for it, err := range s.b.Scan(ctx, "", &backend.ScanOptions{KeysOnly: true}) {
		if err != nil {
			return res, wrapErr("collect garbage", "", err)
		}
		if scanned++; scanned%1024 == 0 && time.Now().After(nextLog) {
			nextLog = time.Now().Add(progressEvery)
			s.cfg.Logger.Info("strata: collecting garbage", "keyexpr", s.cfg.KeyExpr,
				"scanned", scanned, "tombstones_erased", res.Tombstones, "elapsed", time.Since(started).Round(time.Millisecond))
		}
		if !expired(it.Entry) {
			continue
		}
		removed, err := s.removeIf(ctx, it.Key, expired)
		if err != nil {
			return res, err
		}
		if removed {
			res.Tombstones++
		}
	}

	n, err := s.forgetExpired(ctx, cutoff)
	res.Wildcards = n
	if err != nil {
		return res, err
	}

	s.stats.gcTombstones.Add(uint64(res.Tombstones))
	s.stats.gcWildcards.Add(uint64(res.Wildcards))
	s.stats.gcRuns.Add(1)
	if res.Tombstones > 0 || res.Wildcards > 0 {
		s.cfg.Logger.Info("strata: collected expired deletes",
			"keyexpr", s.cfg.KeyExpr, "tombstones", res.Tombstones, "wildcard_deletes", res.Wildcards)
	}
	return res, nil
}

// forgetExpired forgets the wildcard deletes older than cutoff, each
// only once every tombstone it owes is written: an interrupted delete is
// finished first, so that the old values it hides are erased, not
// revealed.
func (s *Store) forgetExpired(ctx context.Context, cutoff hlc.NTP64) (int, error) {
	s.wildcards.mu.Lock()
	defer s.wildcards.mu.Unlock()
	forgotten := 0
	for _, wd := range s.wildcards.idx.all() {
		if wd.ts.Time >= cutoff {
			continue
		}
		if !wd.done {
			if _, err := s.finishWild(ctx, wd); err != nil {
				return forgotten, wrapErr("collect garbage: finishing the interrupted wildcard delete", wd.expr.String(), err)
			}
		}
		if err := s.forgetWildcard(ctx, wd); err != nil {
			return forgotten, wrapErr("collect garbage", wd.expr.String(), err)
		}
		forgotten++
	}
	if forgotten > 0 {
		s.wildcards.idx.depths.Store(s.wildcards.idx.depthsInUse())
	}
	return forgotten, nil
}

// progressEvery is how often long work logs its progress at Info.
const progressEvery = 5 * time.Second

// removeIf erases bkey under its lock if its entry still satisfies cond.
// Over a backend that other processes share, the erase is conditional on
// the version read, where the backend can make it so
// (backend.ConditionalRemover): a tombstone another process rewrote
// meanwhile is kept.
func (s *Store) removeIf(ctx context.Context, bkey string, cond func(backend.Entry) bool) (bool, error) {
	key := s.fullKey(bkey)
	mu := s.locks.of(key)
	mu.Lock()
	defer mu.Unlock()
	if rm, ok := s.b.(backend.ConditionalRemover); ok && s.cond != nil && !s.noCondRemove.Load() {
		// StatVersion may answer a key this process never read or wrote
		// as missing (optimistically, for writes): read it first.
		if _, err := s.b.Stat(ctx, bkey); err != nil {
			return false, nil
		}
		e, v, err := s.cond.StatVersion(ctx, bkey)
		if err != nil || !cond(e) {
			return false, nil // gone, rewritten, or not known: next time
		}
		err = rm.RemoveIfVersion(ctx, bkey, v)
		switch {
		case errors.Is(err, errors.ErrUnsupported):
			// The server cannot make the erase conditional: fall back to a
			// plain one, as for any backend (see the package doc).
			s.noCondRemove.Store(true)
		case errors.Is(err, backend.ErrConflict):
			return false, nil
		case err != nil:
			return false, wrapErr("collect garbage", key, err)
		default:
			return true, nil
		}
	}
	e, err := s.b.Stat(ctx, bkey)
	if err != nil || !cond(e) {
		return false, nil // gone or rewritten meanwhile
	}
	if err := s.b.Remove(ctx, bkey); err != nil {
		return false, wrapErr("collect garbage", key, err)
	}
	return true, nil
}
