// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"sync"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// Over a backend with backend.NewerWriter (and without conditional
// writes), the Store hands the last-writer-wins comparison to the backend,
// which makes it in the same step as the write, with one lookup of the
// key: what applyKey and applyRun do with a Stat and then a Put or a
// WriteBatch, the functions below do with one call. Everything else is
// decided as there, from the state the backend compared with (Prior):
// remembered wildcard deletes (resolve, under the key's lock), new
// timestamps for local writes, results, statistics and notifications.

// applyKeyNewer is applyKey over a NewerWriter.
func (s *Store) applyKeyNewer(ctx context.Context, smp *Sample, o origin) (Result, error) {
	bkey := s.backendKey(smp.Key)
	mu := s.locks.of(smp.Key)
	mu.Lock()
	defer mu.Unlock()
	for restamps := 0; ; {
		eff, refused := s.resolve(smp, o)
		if o == fromLocal && refused {
			// A remembered wildcard delete at or after our time beats
			// this local write.
			if err := s.stampPastStored(ctx, smp, bkey, eff.Timestamp, &restamps); err != nil {
				return Outdated, err
			}
			continue
		}
		e := entryOf(eff)
		p, err := s.newer.PutIfNewer(ctx, bkey, e)
		if err != nil {
			return Outdated, wrapErr("apply", smp.Key, err)
		}
		res, _ := outcome(eff, refused, &p.Entry, p.Found)
		if !p.Written {
			if o == fromLocal {
				// The key holds a sample at or after our time.
				if err := s.stampPast(smp, eff.Timestamp, &p.Entry, true, &restamps); err != nil {
					return Outdated, err
				}
				continue
			}
			s.stats.outdated.Add(1)
			return Outdated, nil
		}
		s.applied(eff, &e, res)
		return res, nil
	}
}

// stampPastStored stamps the local write smp again, past eff and past
// whatever its backend key bkey holds (stampPast, after a Stat). It is
// apart from applyKeyNewer, which every write runs, to keep that one's
// frame small.
func (s *Store) stampPastStored(ctx context.Context, smp *Sample, bkey string, eff hlc.Timestamp, restamps *int) error {
	if *restamps == maxRestamps {
		return errKeptNewer(smp.Key)
	}
	cur, _, found, err := s.stat(ctx, bkey)
	if err != nil {
		return wrapErr("apply", smp.Key, err)
	}
	return s.stampPast(smp, eff, &cur, found, restamps)
}

// applyRunNewer is applyRun over a NewerWriter: the whole run is decided
// and written in one backend call, under the locks of its keys. It is not
// for local writes (which may need new timestamps), and it replaces the
// samples of run by what resolve substitutes for them.
func (s *Store) applyRunNewer(ctx context.Context, run []Sample, o origin) ([]Result, error) {
	results := make([]Result, len(run))
	defer s.locks.unlock(s.lockKeys(run))
	sc := getNewerScratch(len(run))
	defer putNewerScratch(sc)
	ops, prior, refused := sc.ops, sc.prior, sc.refused
	for i := range run {
		eff, r := s.resolve(&run[i], o)
		if eff != &run[i] {
			run[i] = *eff
		}
		refused[i] = r
		op := &ops[i]
		op.Key = s.backendKey(run[i].Key)
		op.Entry = entryOf(&run[i])
	}
	if err := s.newer.WriteBatchIfNewer(ctx, ops, prior); err != nil {
		return results, wrapErr("apply batch", run[0].Key, err)
	}
	// What applied does per sample, with the counters added once for the
	// run, before the notifications.
	var puts, deletes, bytes, outdated uint64
	for i := range prior {
		p := &prior[i]
		if !p.Written {
			outdated++
			results[i] = Outdated
			continue
		}
		res, _ := outcome(&run[i], refused[i], &p.Entry, p.Found)
		results[i] = res
		if res == Outdated {
			outdated++
		}
		if e := &ops[i].Entry; e.Deleted {
			deletes++
		} else {
			puts++
			bytes += uint64(len(e.Value))
		}
	}
	s.stats.puts.Add(puts)
	s.stats.deletes.Add(deletes)
	s.stats.bytesWritten.Add(bytes)
	s.stats.outdated.Add(outdated)
	for i := range prior {
		if prior[i].Written {
			s.watchers.notify(&run[i])
		}
	}
	return results, nil
}

// newerScratch holds what applyRunNewer hands the backend; reused across
// runs.
type newerScratch struct {
	ops     []backend.Op
	prior   []backend.Prior
	refused []bool
}

var newerScratches = sync.Pool{New: func() any { return new(newerScratch) }}

func getNewerScratch(n int) *newerScratch {
	sc := newerScratches.Get().(*newerScratch)
	if cap(sc.ops) < n {
		sc.ops, sc.prior, sc.refused = make([]backend.Op, n), make([]backend.Prior, n), make([]bool, n)
	}
	sc.ops, sc.prior, sc.refused = sc.ops[:n], sc.prior[:n], sc.refused[:n]
	return sc
}

func putNewerScratch(sc *newerScratch) {
	if cap(sc.ops) > maxScratch {
		return
	}
	clear(sc.ops) // keeps no value alive
	newerScratches.Put(sc)
}
