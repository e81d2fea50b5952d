package strata

import (
	"context"
	"fmt"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/keyexpr"
)

// deleteWild applies a wildcard delete: it is remembered (durably, in the
// backend's metadata space) and published to every writer at once, then
// every matching key that holds something older gets its tombstone.
func (s *Store) deleteWild(ctx context.Context, smp Sample) (Result, error) {
	expr, err := keyexpr.Parse(smp.Key) // canonized by checkWrite
	if err != nil {
		return Outdated, fmt.Errorf("strata: delete %q: %w: %w", smp.Key, ErrInvalidKey, err)
	}
	wd := wildcardDelete{expr: expr, ts: smp.Timestamp}

	s.wildcards.mu.Lock()
	defer s.wildcards.mu.Unlock()
	next, newer := s.wildcards.with(wd)
	if !newer {
		s.stats.outdated.Add(1)
		return Outdated, nil
	}
	if err := persistWildcards(ctx, s.b, next); err != nil {
		return Outdated, wrapErr("delete", smp.Key, err)
	}
	// Publish under every key lock: a writer that checked the old set has
	// finished its write, so the scan below sees it; every later writer
	// sees the new set.
	s.locks.lockAll()
	s.wildcards.set.Store(&next)
	s.watchers.notify(Sample{Key: smp.Key, Timestamp: smp.Timestamp, Kind: KindDelete})
	s.locks.unlockAll()
	s.stats.wildcardDeletes.Add(1)

	prefix, ok := s.scanPrefix(expr)
	if !ok {
		return Deleted, nil
	}
	match := s.matcher(expr)
	page := make([]Sample, 0, tombstonePage)
	for it, err := range s.b.Scan(ctx, prefix, &backend.ScanOptions{KeysOnly: true, Match: match}) {
		if err != nil {
			return Deleted, wrapErr("delete", smp.Key, err)
		}
		if it.Entry.Timestamp.Compare(wd.ts) >= 0 {
			continue
		}
		page = append(page, Sample{Key: s.fullKey(it.Key), Timestamp: wd.ts, Kind: KindDelete})
		if len(page) == tombstonePage {
			if _, err := s.applyRun(ctx, page, true); err != nil {
				return Deleted, err
			}
			page = page[:0]
		}
	}
	if _, err := s.applyRun(ctx, page, true); err != nil {
		return Deleted, err
	}
	return Deleted, nil
}

// tombstonePage is how many tombstones a wildcard delete writes per batch.
const tombstonePage = 256
