// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

var simSeeds = flag.Int("antientropy.seeds", 0, "run the replication simulations with this many seeds (default: a few; the benchmark job runs 1000)")

func seedCount(short, normal int) int {
	if *simSeeds > 0 {
		return *simSeeds
	}
	if testing.Short() {
		return short
	}
	return normal
}

// TestSimulation runs seeded simulations of 3 to 10 replicas that write
// concurrently while the network loses 30 % of messages, duplicates some,
// and partitions then heals; clocks are skewed within the drift bound;
// stores collect their tombstones (a lifespan of 10 intervals) and
// replicas restart (replica and store closed, the store reopened from its
// backend). After the last fault and the last write, every store must
// hold the same live state within quietPeriods digest periods, and that
// state must be what last-writer-wins over every write gives: nothing
// deleted comes back, nothing written is lost.
func TestSimulation(t *testing.T) {
	for seed := range uint64(seedCount(4, 8)) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			t.Parallel()
			_ = simulate(t, seed)
		})
	}
}

const (
	quietPeriods = 4
	simStep      = 50 * time.Millisecond
	simLifespan  = 10 * time.Second
)

var simOptions = antientropy.Options{
	Interval: time.Second, SubIntervals: 5, Hot: 3, Warm: 5, PropagationDelay: 100 * time.Millisecond,
	Logger: slog.New(slog.DiscardHandler),
}

// durable is a memory backend that outlives the stores opened on it, as
// a disk does: Close does nothing.
type durable struct{ *memory.Backend }

func (durable) Close(context.Context) error { return nil }

type simReplica struct {
	id        byte
	b         durable
	ep        *memtransport.Endpoint
	store     *strata.Store
	replica   *antientropy.Replica
	skew      time.Duration
	jitter    time.Duration
	published int64
}

// sim is a network of replicas on one fake time.
type sim struct {
	t    testing.TB
	ctx  context.Context
	rng  *rand.Rand
	ft   *antientropytest.FakeTime
	net  *memtransport.Network
	reps []*simReplica
}

func newSim(t testing.TB, seed uint64, n int) *sim {
	s := &sim{t: t, ctx: context.Background(), rng: rand.New(rand.NewPCG(seed, 42)),
		ft: antientropytest.NewFakeTime(), net: memtransport.New(seed)}
	for i := range n {
		sr := &simReplica{id: byte(i + 1), b: durable{memory.New()}, published: -1,
			skew:   time.Duration(s.rng.Int64N(int64(400*time.Millisecond))) - 200*time.Millisecond,
			jitter: time.Duration(s.rng.Int64N(int64(simOptions.Interval / 4)))}
		sr.ep = s.net.Join(fmt.Sprint("r", i))
		s.open(sr)
		s.reps = append(s.reps, sr)
	}
	t.Cleanup(func() {
		for _, sr := range s.reps {
			_ = sr.replica.Close()
			_ = sr.store.Close(s.ctx)
		}
	})
	return s
}

// open opens sr's store on its backend and a replica on it.
func (s *sim) open(sr *simReplica) {
	st, err := strata.Open(s.ctx, sr.b, &strata.Options{
		KeyExpr: "sim/**", Clock: s.ft.Clock(sr.id, sr.skew), GCInterval: -1, TombstoneLifespan: simLifespan,
		Logger: slog.New(slog.DiscardHandler), // GC reports every collection
	})
	require.NoError(s.t, err)
	o := simOptions
	o.ID = sr.ep.ID()
	r, err := antientropy.New(st, sr.ep, &o)
	require.NoError(s.t, err)
	sr.ep.Serve(r)
	sr.store, sr.replica = st, r
}

// restart closes sr's replica and store and opens them again.
func (s *sim) restart(sr *simReplica) {
	require.NoError(s.t, sr.replica.Close())
	require.NoError(s.t, sr.store.Close(s.ctx))
	s.open(sr)
}

// publish lets every replica whose interval (plus delay and jitter) has
// passed on its own clock broadcast its digest.
func (s *sim) publish() {
	interval := simOptions.Interval
	for _, k := range s.rng.Perm(len(s.reps)) {
		sr := s.reps[k]
		now := s.ft.Now().Add(sr.skew - simOptions.PropagationDelay - sr.jitter).UnixMilli()
		if p := now / interval.Milliseconds(); p > sr.published {
			sr.published = p
			_ = sr.replica.Publish(s.ctx)
		}
	}
}

func (s *sim) step() {
	s.ft.Advance(simStep)
	s.publish()
}

// write is one write of the simulation, for the oracle.
type write struct {
	key   string // a key, or a wildcard expression
	ts    hlc.Timestamp
	kind  strata.Kind
	value string
	at    time.Time // fake time of the write
}

// writeRandom makes replica k write on a random key of g groups of 12.
func (s *sim) writeRandom(k, g int, wild bool, tag string) write {
	st := s.reps[k].store
	key := fmt.Sprintf("sim/g%d/k%d", s.rng.IntN(g), s.rng.IntN(12))
	w := write{key: key, at: s.ft.Now()}
	var err error
	switch x := s.rng.IntN(100); {
	case x < 70:
		w.kind, w.value = strata.KindPut, tag
		w.ts, err = st.Put(s.ctx, key, []byte(tag))
	case x < 97 || !wild:
		w.kind = strata.KindDelete
		w.ts, err = st.Delete(s.ctx, key)
	default:
		w.key, w.kind = fmt.Sprintf("sim/g%d/*", s.rng.IntN(g)), strata.KindDelete
		w.ts, err = st.Delete(s.ctx, w.key)
	}
	require.NoError(s.t, err)
	return w
}

// expected is the live state that last-writer-wins over writes gives.
func expected(writes []write) map[string]string {
	latest := map[string]write{}
	var wild []write
	for _, w := range writes {
		if w.kind == strata.KindDelete && keyexpr.MustParse(w.key).IsWild() {
			wild = append(wild, w)
			continue
		}
		if old, ok := latest[w.key]; !ok || w.ts.Compare(old.ts) > 0 {
			latest[w.key] = w
		}
	}
	out := map[string]string{}
	for key, w := range latest {
		if w.kind != strata.KindPut {
			continue
		}
		live := true
		for _, d := range wild {
			if d.ts.Compare(w.ts) > 0 && keyexpr.MustParse(d.key).Matches(key) {
				live = false
			}
		}
		if live {
			out[key] = w.value
		}
	}
	return out
}

func simulate(t testing.TB, seed uint64) simResult {
	s := newSim(t, seed, 3+rand.New(rand.NewPCG(seed, 7)).IntN(8))
	n := len(s.reps)
	rng := s.rng
	var writes []write
	faultSteps := 400 + rng.IntN(200)
	s.net.SetFaults(memtransport.Faults{Loss: 0.3, Duplicate: 0.1})
	partitioned, restarts, collected := 0, 0, 0
	for st := range faultSteps {
		switch {
		case partitioned == 0 && rng.IntN(40) == 0:
			perm := rng.Perm(n)
			cut := 1 + rng.IntN(n-1)
			var g1, g2 []string
			for j, k := range perm {
				if j < cut {
					g1 = append(g1, fmt.Sprint("r", k))
				} else {
					g2 = append(g2, fmt.Sprint("r", k))
				}
			}
			s.net.Partition(g1, g2)
			partitioned = 1
		case partitioned > 0 && (rng.IntN(20) == 0 || partitioned > 60):
			// Partitions heal well within the tombstone lifespan.
			s.net.Heal()
			partitioned = 0
		case partitioned > 0:
			partitioned++
		}
		for range rng.IntN(3) {
			writes = append(writes, s.writeRandom(rng.IntN(n), 4, true, fmt.Sprintf("v%d.%d", st, rng.IntN(100))))
		}
		if rng.IntN(100) == 0 {
			s.restart(s.reps[rng.IntN(n)])
			restarts++
		}
		for _, sr := range s.reps {
			if rng.IntN(20) == 0 {
				res, err := sr.store.CollectGarbage(s.ctx)
				require.NoError(t, err)
				collected += res.Tombstones + res.Wildcards
			}
		}
		s.step()
	}
	s.net.Heal()
	s.net.SetFaults(memtransport.Faults{})
	for range quietPeriods * int(simOptions.Interval/simStep) {
		s.step()
	}
	want := expected(writes)
	for _, sr := range s.reps {
		got := antientropytest.Live(t, sr.store)
		if !mapsEqual(got, want) {
			t.Fatalf("replica %d: live state differs from last-writer-wins over the %d writes\n%s", sr.id, len(writes), liveDiff(got, want))
		}
	}
	var fetched uint64
	for _, sr := range s.reps {
		fetched += sr.replica.Stats().SamplesFetched
	}
	if _, ok := t.(*testing.T); ok {
		t.Logf("%d replicas, %d fault steps, %d writes, %d restarts, %d tombstones collected, %d samples fetched, %d live keys",
			n, faultSteps, len(writes), restarts, collected, fetched, len(want))
	}
	return simResult{writes: len(writes), restarts: restarts, collected: collected}
}

type simResult struct{ writes, restarts, collected int }

// BenchmarkSimulation runs TestSimulation's scenario for 1,000 seeds (or
// -antientropy.seeds), one after the other, and reports what they
// covered; any seed that does not converge to last-writer-wins fails it.
func BenchmarkSimulation(b *testing.B) {
	seeds := 1000
	if *simSeeds > 0 {
		seeds = *simSeeds
	}
	var total simResult
	for b.Loop() {
		total = simResult{}
		for seed := range uint64(seeds) {
			r := simulate(b, seed)
			total.writes += r.writes
			total.restarts += r.restarts
			total.collected += r.collected
		}
	}
	b.ReportMetric(float64(seeds), "seeds")
	b.ReportMetric(float64(total.writes)/float64(seeds), "writes/seed")
	b.ReportMetric(float64(total.restarts)/float64(seeds), "restarts/seed")
	b.ReportMetric(float64(total.collected)/float64(seeds), "collected/seed")
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func liveDiff(got, want map[string]string) string {
	var out []string
	for k, v := range got {
		if want[k] != v {
			out = append(out, fmt.Sprintf("  %s: got %q, want %q", k, v, want[k]))
		}
	}
	for k, v := range want {
		if _, ok := got[k]; !ok {
			out = append(out, fmt.Sprintf("  %s: missing, want %q", k, v))
		}
	}
	slices.Sort(out)
	return fmt.Sprint(out)
}
