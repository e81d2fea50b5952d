package strata

import (
	"context"
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
	for it, err := range s.b.Scan(ctx, "", &backend.ScanOptions{KeysOnly: true}) {
		if err != nil {
			return res, wrapErr("collect garbage", "", err)
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

	s.wildcards.mu.Lock()
	var keep []wildcardDelete
	for _, wd := range s.wildcards.list() {
		if wd.ts.Time < cutoff {
			res.Wildcards++
		} else {
			keep = append(keep, wd)
		}
	}
	if res.Wildcards > 0 {
		if err := persistWildcards(ctx, s.b, keep); err != nil {
			s.wildcards.mu.Unlock()
			return res, wrapErr("collect garbage", "", err)
		}
		s.wildcards.set.Store(&keep)
	}
	s.wildcards.mu.Unlock()

	s.stats.gcTombstones.Add(uint64(res.Tombstones))
	s.stats.gcWildcards.Add(uint64(res.Wildcards))
	s.stats.gcRuns.Add(1)
	if res.Tombstones > 0 || res.Wildcards > 0 {
		s.cfg.Logger.Info("strata: collected expired deletes",
			"keyexpr", s.cfg.KeyExpr, "tombstones", res.Tombstones, "wildcard_deletes", res.Wildcards)
	}
	return res, nil
}

// removeIf erases bkey under its lock if its entry still satisfies cond.
func (s *Store) removeIf(ctx context.Context, bkey string, cond func(backend.Entry) bool) (bool, error) {
	key := s.fullKey(bkey)
	mu := s.locks.of(key)
	mu.Lock()
	defer mu.Unlock()
	e, err := s.b.Stat(ctx, bkey)
	if err != nil || !cond(e) {
		return false, nil // gone or rewritten meanwhile
	}
	if err := s.b.Remove(ctx, bkey); err != nil {
		return false, wrapErr("collect garbage", key, err)
	}
	return true, nil
}

func (s *Store) runGC(ctx context.Context) {
	defer close(s.gcDone)
	t := time.NewTicker(s.cfg.GCInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.CollectGarbage(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("strata: garbage collection failed", "keyexpr", s.cfg.KeyExpr, "err", err)
			}
		}
	}
}
