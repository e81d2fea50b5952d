// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// BatchError reports the samples of an ApplyBatch that were refused (an
// invalid or out-of-scope key, a timestamp from the future, a value too
// large); the other samples were applied. errors.Is looks through every
// one of them.
type BatchError struct {
	// Errs maps the index of each refused sample to why.
	Errs map[int]error
}

func (e *BatchError) Error() string {
	idx := make([]int, 0, len(e.Errs))
	for i := range e.Errs {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	msgs := make([]string, 0, min(len(idx), 3))
	for _, i := range idx[:min(len(idx), 3)] {
		msgs = append(msgs, fmt.Sprintf("sample %d: %s", i, strings.TrimPrefix(e.Errs[i].Error(), "strata: ")))
	}
	more := ""
	if len(idx) > 3 {
		more = fmt.Sprintf(" (and %d more)", len(idx)-3)
	}
	return fmt.Sprintf("strata: apply batch: %d samples refused: %s%s", len(idx), strings.Join(msgs, "; "), more)
}

func (e *BatchError) Unwrap() []error {
	errs := make([]error, 0, len(e.Errs))
	for _, err := range e.Errs {
		errs = append(errs, err)
	}
	return errs
}

// ApplyBatch applies samples in order, with the result Apply would give
// each, but writes the concrete ones in batches when the backend has no
// conditional writes and has the batch capability (backend.Batcher) or
// decides and writes batches itself (backend.NewerWriter): one write for
// many samples, as replication does when it receives many. results[i] is
// the result of samples[i] (Outdated for a refused one).
//
// Refused samples do not stop the batch: the error is then a *BatchError
// that names them. Any other error (the backend failed) ends the batch;
// the samples before the failing write were applied.
func (s *Store) ApplyBatch(ctx context.Context, samples []Sample) ([]Result, error) {
	results := make([]Result, len(samples))
	if !s.enter() {
		return results, errClosed("apply batch", "")
	}
	defer s.leave()
	var refused map[int]error
	refuse := func(i int, err error) {
		if refused == nil {
			refused = map[int]error{}
		}
		refused[i] = err
	}
	sc := getRunScratch(len(samples))
	defer putRunScratch(sc)
	run, runIdx := sc.run, sc.idx
	var phys hlc.NTP64 // the physical clock, as read during this batch
	flush := func() error {
		res, err := s.applyRun(ctx, run, fromApply)
		for j, r := range res {
			results[runIdx[j]] = r
		}
		run, runIdx = run[:0], runIdx[:0]
		return err
	}
	for i, smp := range samples {
		if err := s.checkSample(&smp); err != nil {
			refuse(i, err)
			continue
		}
		switch {
		case smp.Timestamp.IsZero():
			smp.Timestamp = s.cfg.Clock.Now()
		case smp.Timestamp.Time <= phys:
			// Not ahead of a reading of the physical clock made during
			// this batch: the clock's drift check and markAhead, which
			// read it again, have nothing to refuse or save.
			s.cfg.Clock.Raise(smp.Timestamp.Time)
		default:
			if err := s.cfg.Clock.Update(smp.Timestamp); err != nil {
				s.stats.refused.Add(1)
				refuse(i, fmt.Errorf("strata: apply %q: %w", smp.Key, err))
				continue
			}
			phys = s.cfg.Clock.PhysicalNow()
			if err := s.markAhead(ctx, smp.Timestamp); err != nil {
				return results, wrapErr("apply", smp.Key, err)
			}
		}
		if smp.Kind == KindDelete && isWild(smp.Key) {
			if err := flush(); err != nil {
				return results, err
			}
			r, err := s.deleteWild(ctx, &smp, false)
			if errors.Is(err, ErrWildcardLimit) {
				refuse(i, err)
				continue
			}
			if err != nil {
				return results, err
			}
			results[i] = r
			continue
		}
		run = append(run, smp)
		runIdx = append(runIdx, i)
	}
	if err := flush(); err != nil {
		return results, err
	}
	sc.run, sc.idx = run, runIdx // grown, to reuse
	if len(refused) > 0 {
		return results, &BatchError{Errs: refused}
	}
	return results, nil
}

// applyRun applies concrete samples, in order, in one backend batch when
// the backend allows it, else one by one.
func (s *Store) applyRun(ctx context.Context, run []Sample, o origin) ([]Result, error) {
	results := make([]Result, len(run))
	if len(run) == 0 {
		return results, nil
	}
	if s.newer != nil && o != fromLocal {
		return s.applyRunNewer(ctx, run, o)
	}
	if s.batch == nil || s.cond != nil || len(run) == 1 {
		for i := range run {
			r, err := s.applyKey(ctx, &run[i], o)
			if err != nil {
				return results, err
			}
			results[i] = r
		}
		return results, nil
	}

	defer s.locks.unlock(s.lockKeys(run))
	type state struct {
		e     backend.Entry
		found bool
	}
	states := make(map[string]state, len(run))
	ops := make([]backend.Op, 0, len(run))
	type write struct {
		smp Sample
		e   backend.Entry
		res Result
	}
	writes := make([]write, 0, len(run))
	for i, smp := range run {
		effp, refused := s.resolve(&smp, o)
		smp := *effp
		st, seen := states[smp.Key]
		if !seen {
			e, _, found, err := s.stat(ctx, s.backendKey(smp.Key))
			if err != nil {
				return results, wrapErr("apply", smp.Key, err)
			}
			st = state{e, found}
		}
		res, ok := outcome(&smp, refused, &st.e, st.found)
		results[i] = res
		if !ok {
			s.stats.outdated.Add(1)
			states[smp.Key] = st
			continue
		}
		e := entryOf(&smp)
		states[smp.Key] = state{e, true}
		ops = append(ops, backend.Op{Key: s.backendKey(smp.Key), Entry: e})
		writes = append(writes, write{smp, e, res})
	}
	if err := s.batch.WriteBatch(ctx, ops); err != nil {
		clear(results)
		return results, wrapErr("apply batch", run[0].Key, err)
	}
	for i := range writes {
		w := &writes[i]
		s.applied(&w.smp, &w.e, w.res)
	}
	return results, nil
}

// lockKeys takes the stripes of every key of run, in stripe order so that
// concurrent batches cannot deadlock, and returns the set to release with
// s.locks.unlock.
func (s *Store) lockKeys(run []Sample) *stripeSet {
	set := new(stripeSet)
	for _, smp := range run {
		set.add(s.locks.index(smp.Key))
	}
	s.locks.lock(set)
	return set
}

// runScratch holds the concrete samples of an ApplyBatch waiting to be
// written, and their indexes; reused across batches.
type runScratch struct {
	run []Sample
	idx []int
}

var runScratches = sync.Pool{New: func() any { return new(runScratch) }}

func getRunScratch(n int) *runScratch {
	sc := runScratches.Get().(*runScratch)
	if cap(sc.run) < n {
		sc.run, sc.idx = make([]Sample, 0, n), make([]int, 0, n)
	}
	sc.run, sc.idx = sc.run[:0], sc.idx[:0]
	return sc
}

// maxScratch bounds the scratch kept for reuse, so that one large batch
// does not stay pinned.
const maxScratch = 4096

func putRunScratch(sc *runScratch) {
	if cap(sc.run) > maxScratch {
		return
	}
	clear(sc.run[:cap(sc.run)]) // keeps no value alive
	runScratches.Put(sc)
}
