// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// The clock's high-water mark is a metadata record that bounds every
// timestamp the store holds from above, so that a reopened store's clock
// never issues a timestamp older than one it holds, whatever the wall
// clock did meanwhile (stepped back between runs) and even after a crash
// right after a peer's sample from up to the clock's MaxDelta ahead was
// applied.
//
// Samples stamped by the clock itself are at most its physical time (plus
// a logical count), so only samples from ahead of the physical clock push
// the mark: before such a sample is written, the mark is saved at its time
// plus markLead, which lets the samples that follow within markLead be
// written without saving it again. Close saves the clock's last time as
// well, for the wall clock stepped back between clean runs.
const (
	metaClock = "strata/clock"
	markLead  = 100 * time.Millisecond
)

// markAhead saves the high-water mark before a sample stamped ts is
// written, if ts is ahead of the physical clock and past the saved mark.
func (s *Store) markAhead(ctx context.Context, ts hlc.Timestamp) error {
	if ts.Time <= hlc.NTP64(s.clockMark.Load()) || ts.Time <= s.cfg.Clock.PhysicalNow() {
		return nil
	}
	return s.saveClockMark(ctx, ts.Time+hlc.FromDuration(markLead))
}

// saveClockMark saves mark unless a later one is saved already.
func (s *Store) saveClockMark(ctx context.Context, mark hlc.NTP64) error {
	if s.cfg.ReadOnly {
		return nil
	}
	s.clockMarkMu.Lock()
	defer s.clockMarkMu.Unlock()
	if mark <= hlc.NTP64(s.clockMark.Load()) {
		return nil
	}
	if err := s.b.PutMeta(ctx, metaClock, binary.BigEndian.AppendUint64(nil, uint64(mark))); err != nil {
		return fmt.Errorf("saving the clock's high-water mark: %w", err)
	}
	s.clockMark.Store(uint64(mark))
	return nil
}

// loadClockMark raises the clock to the saved mark at Open.
func (s *Store) loadClockMark(ctx context.Context) error {
	rec, err := s.b.GetMeta(ctx, metaClock)
	switch {
	case errors.Is(err, backend.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("strata: open: reading the clock's high-water mark: %w", err)
	case len(rec) != 8:
		return fmt.Errorf("strata: open: clock high-water mark of %d bytes: %w: %w", len(rec), ErrIncompatible, backend.ErrCorrupt)
	}
	mark := binary.BigEndian.Uint64(rec)
	s.clockMark.Store(mark)
	s.cfg.Clock.Raise(hlc.NTP64(mark))
	return nil
}
