// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// Put stores value under key, stamped with the store's clock, and returns
// the timestamp. The store does not keep value after Put returns.
//
// A Put always takes effect: if the key already holds a sample (or a
// remembered wildcard delete covers it) at or after the clock's time, as
// after a restart with the wall clock stepped back, the put is stamped
// again past it. The returned timestamp is the one stored.
func (s *Store) Put(ctx context.Context, key string, value []byte) (hlc.Timestamp, error) {
	return s.PutEncoded(ctx, key, value, "")
}

// PutEncoded is Put with an encoding: a MIME-like description of value,
// such as "application/json" or "text/plain;charset=utf-8", stored with it
// and yielded by Get.
func (s *Store) PutEncoded(ctx context.Context, key string, value []byte, encoding string) (hlc.Timestamp, error) {
	s.prefetch(key)
	smp := Sample{Key: key, Value: value, Encoding: encoding, Kind: KindPut}
	if len(encoding) > backend.MaxEncodingLen {
		return hlc.Timestamp{}, fmt.Errorf("strata: put %q: %w: encoding of %d bytes exceeds %d", key, ErrInvalidSample, len(encoding), backend.MaxEncodingLen)
	}
	if err := s.checkWrite("put", &smp); err != nil {
		return hlc.Timestamp{}, err
	}
	if !s.enter() {
		return hlc.Timestamp{}, errClosed("put", key)
	}
	defer s.leave()
	smp.Timestamp = s.cfg.Clock.Now()
	_, err := s.applyKey(ctx, &smp, fromLocal)
	return smp.Timestamp, err
}

// Delete deletes the keys that keyExpr matches, stamped with the store's
// clock, and returns the timestamp. A concrete key gets a tombstone even if
// it never existed, so that an older put arriving later cannot resurrect
// it. A wildcard expression tombstones every matching key that exists and
// is remembered for TombstoneLifespan: a later-arriving sample older than
// it, on any key it matches, is Outdated.
//
// Like Put, a Delete always takes effect: it is stamped again past
// whatever newer sample the store holds for what it deletes. The returned
// timestamp is the one stored.
func (s *Store) Delete(ctx context.Context, keyExpr string) (hlc.Timestamp, error) {
	s.prefetch(keyExpr)
	smp := Sample{Key: keyExpr, Kind: KindDelete}
	if err := s.checkWrite("delete", &smp); err != nil {
		return hlc.Timestamp{}, err
	}
	if !s.enter() {
		return hlc.Timestamp{}, errClosed("delete", keyExpr)
	}
	defer s.leave()
	smp.Timestamp = s.cfg.Clock.Now()
	var err error
	if isWild(smp.Key) {
		_, err = s.deleteWild(ctx, &smp, true)
	} else {
		_, err = s.applyKey(ctx, &smp, fromLocal)
	}
	return smp.Timestamp, err
}

// Apply stores a sample with its own timestamp (one is stamped only if it
// is zero), after the store's clock has accepted it (a timestamp too far in
// the future is refused with an error wrapping hlc.ErrDrift). Last writer
// wins: a sample older than, or as old as, what the store holds for its key
// (a value, a tombstone, or a remembered wildcard delete that matches it)
// is Outdated and changes nothing, except that a sample refused because of
// a wildcard delete may materialize that delete's tombstone for its key, so
// that replicas hold the same state whatever order samples arrived in.
//
// A KindDelete sample whose Key is a wildcard expression is a wildcard
// delete, as with Delete.
func (s *Store) Apply(ctx context.Context, smp Sample) (Result, error) {
	s.prefetch(smp.Key)
	if err := s.checkSample(&smp); err != nil {
		return Outdated, err
	}
	if !s.enter() {
		return Outdated, errClosed("apply", smp.Key)
	}
	defer s.leave()
	if smp.Timestamp.IsZero() {
		smp.Timestamp = s.cfg.Clock.Now()
	} else if err := s.cfg.Clock.Update(smp.Timestamp); err != nil {
		s.stats.refused.Add(1)
		s.cfg.Logger.Warn("strata: refused a sample from the future", "key", smp.Key, "timestamp", smp.Timestamp.String(), "err", err)
		return Outdated, fmt.Errorf("strata: apply %q: %w", smp.Key, err)
	} else if err := s.markAhead(ctx, smp.Timestamp); err != nil {
		return Outdated, wrapErr("apply", smp.Key, err)
	}
	if smp.Kind == KindDelete && isWild(smp.Key) {
		return s.deleteWild(ctx, &smp, false)
	}
	return s.applyKey(ctx, &smp, fromApply)
}

// origin says where a concrete write comes from, which decides what
// happens when it would lose.
type origin uint8

const (
	// fromApply: a sample with its own timestamp; last writer wins.
	fromApply origin = iota
	// fromLocal: Put or Delete, which must take effect: stamped again
	// past whatever the key holds.
	fromLocal
	// fromWildcard: a tombstone a wildcard delete owes; the remembered
	// delete that covers it is the sample itself.
	fromWildcard
)

// isWild tells a wildcard expression from a concrete key ("@a$*" is a
// verbatim chunk, concrete); an invalid key takes the concrete path and is
// refused there.
func isWild(key string) bool { return keyexpr.HasWildcard(key) }

func (s *Store) checkSample(smp *Sample) error {
	switch {
	case smp.Kind != KindPut && smp.Kind != KindDelete:
		return fmt.Errorf("strata: apply %q: %w: kind %v", smp.Key, ErrInvalidSample, smp.Kind)
	case !smp.Timestamp.IsZero() && smp.Timestamp.ID.IsZero():
		return fmt.Errorf("strata: apply %q: %w: timestamp %d without an ID", smp.Key, ErrInvalidSample, smp.Timestamp.Time)
	case len(smp.Encoding) > backend.MaxEncodingLen:
		return fmt.Errorf("strata: apply %q: %w: encoding of %d bytes exceeds %d", smp.Key, ErrInvalidSample, len(smp.Encoding), backend.MaxEncodingLen)
	case smp.Kind == KindPut && isWild(smp.Key):
		return fmt.Errorf("strata: apply %q: %w: a put needs a concrete key", smp.Key, ErrInvalidSample)
	}
	return s.checkWrite("apply", smp)
}

// checkWrite validates what every write shares; a wildcard delete's key is
// canonized in place, and clamped to the store's key expression when it
// covers it.
func (s *Store) checkWrite(op string, smp *Sample) error {
	if s.cfg.ReadOnly {
		return fmt.Errorf("strata: %s %q: %w", op, smp.Key, ErrReadOnly)
	}
	if len(smp.Value) > s.cfg.MaxValueSize {
		return fmt.Errorf("strata: %s %q: %w: %d bytes, the limit is %d", op, smp.Key, ErrTooLarge, len(smp.Value), s.cfg.MaxValueSize)
	}
	if smp.Kind == KindDelete && isWild(smp.Key) {
		if len(smp.Key) > MaxKeyLen {
			return errKeyTooLong(op, smp.Key)
		}
		expr, err := keyexpr.Canonize(smp.Key)
		if err != nil {
			return fmt.Errorf("strata: %s %q: %w: %w", op, smp.Key, ErrInvalidKey, err)
		}
		if !expr.Intersects(s.cfg.expr) {
			return fmt.Errorf("strata: %s %q: %w %q", op, smp.Key, ErrOutOfScope, s.cfg.KeyExpr)
		}
		if expr.Includes(s.cfg.expr) {
			// "**" on a store of "fleet/**" deletes, and is remembered as,
			// the store's whole key space: the same expression on every
			// replica, whatever was issued.
			expr = s.cfg.expr
		}
		smp.Key = expr.String()
		return nil
	}
	return s.checkKey(op, smp.Key)
}

// maxConflicts bounds the retries of a conditional write that keeps losing
// to writers in other processes.
const maxConflicts = 16

// applyKey applies a sample to one concrete key under the key's lock. A
// local write (fromLocal) that would lose is stamped again, past what
// beats it; smp.Timestamp is updated.
func (s *Store) applyKey(ctx context.Context, smp *Sample, o origin) (Result, error) {
	if s.newer != nil {
		return s.applyKeyNewer(ctx, smp, o)
	}
	return s.applyKeyStat(ctx, smp, o)
}

// applyKeyStat is applyKey over a backend without NewerWriter: a Stat,
// then a Put, or a conditional write that may conflict.
//
// Over a backend with conditional writes, a conflict may be this very
// write: its response was lost, the client retried, and the retry found
// the key already at the new state. A stored entry with exactly this
// sample's timestamp and kind after a conflict is therefore this write,
// applied.
func (s *Store) applyKeyStat(ctx context.Context, smp *Sample, o origin) (Result, error) {
	bkey := s.backendKey(smp.Key)
	mu := s.locks.of(smp.Key)
	mu.Lock()
	defer mu.Unlock()

	var (
		tried    backend.Entry // what the last conditional write that conflicted wrote
		triedRes Result
		conflict bool
		restamps int
	)
	for attempts := 0; attempts < maxConflicts; {
		effp, refused := s.resolve(smp, o)
		eff := *effp
		cur, version, found, err := s.stat(ctx, bkey)
		if err != nil {
			return Outdated, wrapErr("apply", smp.Key, err)
		}
		if conflict && found && cur.Timestamp == tried.Timestamp && cur.Deleted == tried.Deleted {
			s.applied(&eff, &tried, triedRes)
			return triedRes, nil
		}
		res, ok := outcome(&eff, refused, &cur, found)
		if o == fromLocal && (!ok || refused) {
			// Something at or after our time beats this local write.
			if err := s.stampPast(smp, eff.Timestamp, &cur, found, &restamps); err != nil {
				return Outdated, err
			}
			continue
		}
		if !ok {
			s.stats.outdated.Add(1)
			return Outdated, nil
		}
		e := entryOf(&eff)
		err = s.write(ctx, bkey, e, version)
		if errors.Is(err, backend.ErrConflict) {
			s.stats.conflicts.Add(1)
			tried, triedRes, conflict = e, res, true
			attempts++
			continue
		}
		if err != nil {
			return Outdated, wrapErr("apply", smp.Key, err)
		}
		s.applied(&eff, &e, res)
		return res, nil
	}
	return Outdated, fmt.Errorf("strata: apply %q: %d conflicting writes in a row: %w", smp.Key, maxConflicts, backend.ErrConflict)
}

// resolve substitutes, for a sample that a remembered wildcard delete
// covers, that delete's tombstone, which the key still takes if it holds
// something older; refused tells the caller the sample itself lost. It
// returns smp itself when nothing covers it (the common case, without a
// copy). The key must be locked.
func (s *Store) resolve(smp *Sample, o origin) (*Sample, bool) {
	if o == fromWildcard || s.wildcards.idx.count.Load() == 0 {
		return smp, false
	}
	wts, ok := s.wildcards.idx.covering(smp.Key, smp.Timestamp)
	if !ok {
		return smp, false
	}
	refused := smp.Kind == KindPut || smp.Timestamp != wts
	return &Sample{Key: smp.Key, Timestamp: wts, Kind: KindDelete}, refused
}

// outcome decides last-writer-wins: whether smp is to be written over the
// key's current state, and what Apply reports.
func outcome(smp *Sample, refused bool, cur *backend.Entry, found bool) (Result, bool) {
	switch {
	case found && smp.Timestamp.Compare(cur.Timestamp) <= 0:
		return Outdated, false
	case refused:
		return Outdated, true
	case smp.Kind == KindDelete:
		return Deleted, true
	case found && !cur.Deleted:
		return Replaced, true
	}
	return Inserted, true
}

// entryOf is what the backend stores for a sample.
func entryOf(smp *Sample) backend.Entry {
	if smp.Kind == KindDelete {
		return backend.Entry{Timestamp: smp.Timestamp, Deleted: true}
	}
	return backend.Entry{Value: smp.Value, Encoding: smp.Encoding, Timestamp: smp.Timestamp}
}

// applied counts and publishes a write; the key must still be locked.
func (s *Store) applied(smp *Sample, e *backend.Entry, res Result) {
	s.stats.wrote(e)
	if res == Outdated {
		s.stats.outdated.Add(1)
	}
	s.watchers.notify(smp)
}

// stat reads the metadata of a backend key, with its version when the
// backend has conditional writes.
func (s *Store) stat(ctx context.Context, bkey string) (backend.Entry, backend.Version, bool, error) {
	var (
		e   backend.Entry
		v   backend.Version
		err error
	)
	if s.cond != nil {
		e, v, err = s.cond.StatVersion(ctx, bkey)
	} else {
		e, err = s.b.Stat(ctx, bkey)
	}
	if errors.Is(err, backend.ErrNotFound) {
		return backend.Entry{}, "", false, nil
	}
	return e, v, err == nil, err
}

func (s *Store) write(ctx context.Context, bkey string, e backend.Entry, v backend.Version) error {
	if s.cond != nil {
		return s.cond.PutIfVersion(ctx, bkey, e, v)
	}
	return s.b.Put(ctx, bkey, e)
}

// errKeptNewer: a local write was stamped again maxRestamps times and the
// key still held something newer (other processes writing ahead of this
// one's clock). It never reports success for a write that changed nothing.
func errKeptNewer(key string) error {
	return fmt.Errorf("strata: write %q: the key kept holding newer samples after %d new timestamps: %w", key, maxRestamps, backend.ErrConflict)
}
