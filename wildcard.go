// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"fmt"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// deleteWild applies a wildcard delete. Its record is written first
// (pending), then it is published to every writer at once, then every
// matching key that holds something older gets its tombstone, and last the
// record is marked done. A delete stopped anywhere in between (an error, a
// cancelled context, a crash) stays pending: it hides the old values from
// readers meanwhile, and it is finished by a retry of the same sample, by
// the next Open, and before garbage collection may forget it.
//
// A local delete (Delete) must take effect: if the store already holds the
// same expression's delete, or a matching key, at or after its timestamp,
// it is stamped again past them. smp.Timestamp is updated.
func (s *Store) deleteWild(ctx context.Context, smp *Sample, local bool) (Result, error) {
	expr, err := keyexpr.Parse(smp.Key) // canonized by checkWrite
	if err != nil {
		return Outdated, fmt.Errorf("strata: delete %q: %w: %w", smp.Key, ErrInvalidKey, err)
	}
	s.wildcards.mu.Lock()
	defer s.wildcards.mu.Unlock()
	for range maxRestamps {
		wd := wildcardDelete{expr: expr, ts: smp.Timestamp}
		cur, known := s.wildcards.idx.get(expr)
		if known && cur.ts.Compare(wd.ts) >= 0 {
			if local {
				s.restamp(smp, cur.ts)
				continue
			}
			// A retry, or an older delete: nothing new to remember, but
			// the remembered one may still owe tombstones.
			if !cur.done {
				if _, err := s.finishWild(ctx, cur); err != nil {
					return Outdated, wrapErr("delete", smp.Key, err)
				}
			}
			s.stats.outdated.Add(1)
			return Outdated, nil
		}
		if !known && s.wildcards.idx.count.Load() >= int64(s.cfg.MaxWildcardDeletes) {
			return Outdated, fmt.Errorf("strata: delete %q: %w: %d are remembered (Options.MaxWildcardDeletes); they are forgotten after TombstoneLifespan",
				smp.Key, ErrWildcardLimit, s.cfg.MaxWildcardDeletes)
		}
		if err := saveWildcard(ctx, s.b, wd); err != nil {
			return Outdated, wrapErr("delete", smp.Key, err)
		}
		if s.cond != nil { // tell the other processes
			if err := s.b.PutMeta(ctx, metaWildcardLatest, []byte(wd.recordName())); err != nil {
				return Outdated, wrapErr("delete", smp.Key, err)
			}
		}
		s.publishWildcards(wd)
		s.stats.wildcardDeletes.Add(1)
		if known {
			// Superseded; a record left behind is erased at the next Open.
			if err := s.b.PutMeta(ctx, cur.recordName(), nil); err != nil {
				s.cfg.Logger.Warn("strata: erasing a superseded wildcard delete failed", "keyexpr", s.cfg.KeyExpr, "delete", smp.Key, "err", err)
			}
		}
		newer, err := s.finishWild(ctx, wd)
		if err != nil {
			return Deleted, wrapErr("delete", smp.Key, err)
		}
		if !local || newer.IsZero() {
			return Deleted, nil
		}
		// A matching key holds a newer sample than this local delete (the
		// clock was behind what the store holds): delete again, later.
		s.restamp(smp, newer)
	}
	return Outdated, errKeptNewer(smp.Key)
}

// maxRestamps bounds how often a local write is stamped again because the
// store holds something newer; more than one or two means other processes
// keep writing ahead of this one's clock.
const maxRestamps = 8

// restamp raises the clock past ts and stamps smp again.
func (s *Store) restamp(smp *Sample, ts hlc.Timestamp) {
	s.cfg.Clock.Raise(ts.Time)
	smp.Timestamp = s.cfg.Clock.Now()
}

// stampPast stamps the local write smp again, past eff (its effective
// timestamp) and what the key holds (cur, if found), and counts it in
// restamps; after maxRestamps it gives up with errKeptNewer.
func (s *Store) stampPast(smp *Sample, eff hlc.Timestamp, cur *backend.Entry, found bool, restamps *int) error {
	if *restamps == maxRestamps {
		return errKeptNewer(smp.Key)
	}
	if found && cur.Timestamp.Compare(eff) > 0 {
		eff = cur.Timestamp
	}
	s.restamp(smp, eff)
	*restamps++
	return nil
}

// finishWild writes the tombstones wd owes (every matching key that holds
// something older), then marks its record done. It returns the newest
// timestamp of a matching key that holds something newer than wd (zero if
// none). wildcards.mu must be held.
func (s *Store) finishWild(ctx context.Context, wd wildcardDelete) (hlc.Timestamp, error) {
	var newer hlc.Timestamp
	if prefix, ok := s.scanPrefix(wd.expr); ok {
		page := make([]Sample, 0, tombstonePage)
		for it, err := range s.b.Scan(ctx, prefix, &backend.ScanOptions{KeysOnly: true, Match: s.matcher(wd.expr, prefix)}) {
			if err != nil {
				return newer, err
			}
			switch c := it.Entry.Timestamp.Compare(wd.ts); {
			case c > 0 || (c == 0 && !it.Entry.Deleted):
				if it.Entry.Timestamp.Compare(newer) > 0 {
					newer = it.Entry.Timestamp
				}
				continue
			case c == 0:
				continue // this delete's own tombstone
			}
			page = append(page, Sample{Key: s.fullKey(it.Key), Timestamp: wd.ts, Kind: KindDelete})
			if len(page) == tombstonePage {
				if _, err := s.applyRun(ctx, page, fromWildcard); err != nil {
					return newer, err
				}
				page = page[:0]
			}
		}
		if _, err := s.applyRun(ctx, page, fromWildcard); err != nil {
			return newer, err
		}
	}
	wd.done = true
	if err := saveWildcard(ctx, s.b, wd); err != nil {
		return newer, err
	}
	if cur, ok := s.wildcards.idx.get(wd.expr); ok && cur.ts == wd.ts {
		s.wildcards.idx.put(wd)
	}
	return newer, nil
}

// tombstonePage is how many tombstones a wildcard delete writes per batch.
const tombstonePage = 256
