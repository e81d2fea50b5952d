// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy/memtransport"
	"github.com/stratakv/strata/hlc"
)

// maxLossPeriods is the target: with 30 % of messages lost and steady
// writes, every difference converges within this many digest periods of
// being written, at the 99th percentile.
const maxLossPeriods = 6

// TestConvergenceUnderLoss runs seeded simulations of 3 to 6 replicas
// that write steadily while the network loses 30 % of messages, and
// measures, for every write, the digest periods until every replica holds
// it (or something newer for its key).
func TestConvergenceUnderLoss(t *testing.T) {
	var all []float64
	for seed := range uint64(seedCount(2, 4)) {
		all = append(all, convergeUnderLoss(t, seed)...)
	}
	p := percentiles(all)
	t.Logf("%d writes: periods to converge p50 %.2f, p90 %.2f, p99 %.2f, max %.2f", len(all), p(0.5), p(0.9), p(0.99), p(1))
	require.LessOrEqual(t, p(0.99), float64(maxLossPeriods), "p99 of the periods a write takes to reach every replica")
}

// BenchmarkConvergenceUnderLoss reports the percentiles of
// TestConvergenceUnderLoss over 100 seeds (or -antientropy.seeds).
func BenchmarkConvergenceUnderLoss(b *testing.B) {
	seeds := 100
	if *simSeeds > 0 {
		seeds = *simSeeds
	}
	var all []float64
	for b.Loop() {
		all = all[:0]
		for seed := range uint64(seeds) {
			all = append(all, convergeUnderLoss(b, seed)...)
		}
	}
	p := percentiles(all)
	b.ReportMetric(p(0.5), "periods-p50")
	b.ReportMetric(p(0.99), "periods-p99")
	b.ReportMetric(p(1), "periods-max")
}

// percentiles sorts xs and returns its quantile function.
func percentiles(xs []float64) func(q float64) float64 {
	slices.Sort(xs)
	return func(q float64) float64 { return xs[max(int(math.Ceil(q*float64(len(xs))))-1, 0)] }
}

// latest returns the timestamp s holds for key, tombstones included.
func latest(t testing.TB, s *strata.Store, key string) (hlc.Timestamp, bool) {
	for smp, err := range s.Scan(t.Context(), key, &strata.ScanOptions{MetadataOnly: true, Tombstones: true}) {
		require.NoError(t, err)
		return smp.Timestamp, true
	}
	return hlc.Timestamp{}, false
}

// holders returns how many replicas hold w's key at w's timestamp or a
// later one.
func (s *sim) holders(t testing.TB, w write) int {
	n := 0
	for _, sr := range s.reps {
		if ts, ok := latest(t, sr.store, w.key); ok && ts.Compare(w.ts) >= 0 {
			n++
		}
	}
	return n
}

// convergeUnderLoss returns, for every write of one seeded run, the
// digest periods it took to reach every replica (+Inf if it never did).
func convergeUnderLoss(t testing.TB, seed uint64) []float64 {
	s := newSim(t, seed, 3+rand.New(rand.NewPCG(seed, 9)).IntN(4))
	s.net.SetFaults(memtransport.Faults{Loss: 0.3})
	type pendingWrite struct {
		write
		n int // replicas that hold it
	}
	var pending []pendingWrite
	var latencies []float64
	writeSteps := 600
	for st := 0; st < writeSteps+12*int(simOptions.Interval/simStep); st++ {
		if st < writeSteps && s.rng.IntN(2) == 0 {
			w := s.writeRandom(s.rng.IntN(len(s.reps)), 8, false, fmt.Sprintf("v%d", st))
			pending = append(pending, pendingWrite{write: w})
		}
		s.step()
		kept := pending[:0]
		for _, pw := range pending {
			if s.holders(t, pw.write) == len(s.reps) {
				latencies = append(latencies, float64(s.ft.Now().Sub(pw.at))/float64(simOptions.Interval))
				continue
			}
			kept = append(kept, pw)
		}
		pending = kept
	}
	for range pending {
		latencies = append(latencies, math.Inf(1))
	}
	var retries uint64
	for _, sr := range s.reps {
		retries += sr.replica.Stats().Retries
	}
	if _, ok := t.(*testing.T); ok {
		t.Logf("seed %d: %d replicas, %d writes, %d never converged, %d retries", seed, len(s.reps), len(latencies), len(pending), retries)
	}
	return latencies
}
