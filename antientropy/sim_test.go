package antientropy_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
)

var simSeeds = flag.Int("antientropy.seeds", 0, "run the replication simulation with this many seeds (default: a few)")

// TestSimulation runs seeded simulations of 3 to 10 replicas that write
// concurrently while the network loses 30 % of messages, duplicates some,
// and partitions then heals; clocks are skewed within the drift bound.
// After the last fault and the last write, every store must hold the
// same state within quietPeriods digest periods.
func TestSimulation(t *testing.T) {
	seeds := 4
	if testing.Short() {
		seeds = 2
	}
	if *simSeeds > 0 {
		seeds = *simSeeds
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			t.Parallel()
			simulate(t, seed)
		})
	}
}

const quietPeriods = 4

type simReplica struct {
	store     *strata.Store
	replica   *antientropy.Replica
	skew      time.Duration
	jitter    time.Duration
	published int64
}

func simulate(t *testing.T, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 42))
	n := 3 + rng.IntN(8)
	ft := antientropytest.NewFakeTime()
	net := memtransport.New(seed)
	opts := antientropy.Options{
		Interval: time.Second, SubIntervals: 5, Hot: 3, Warm: 5, PropagationDelay: 100 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	}
	interval := opts.Interval
	reps := make([]*simReplica, n)
	for i := range reps {
		skew := time.Duration(rng.Int64N(int64(400*time.Millisecond))) - 200*time.Millisecond
		s, err := strata.Open(ctx, memoryBackend(), &strata.Options{
			KeyExpr: "sim/**", Clock: ft.Clock(byte(i+1), skew), GCInterval: -1,
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close(ctx) })
		ep := net.Join(fmt.Sprint("r", i))
		o := opts
		o.ID = ep.ID()
		r, err := antientropy.New(s, ep, &o)
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		ep.Serve(r)
		reps[i] = &simReplica{store: s, replica: r, skew: skew,
			jitter: time.Duration(rng.Int64N(int64(interval / 4))), published: -1}
	}

	const step = 50 * time.Millisecond
	// publish lets every replica whose interval (plus delay and jitter)
	// has passed on its own clock broadcast its digest.
	publish := func() {
		for _, k := range rng.Perm(n) {
			sr := reps[k]
			now := ft.Now().Add(sr.skew - opts.PropagationDelay - sr.jitter).UnixMilli()
			if p := now / interval.Milliseconds(); p > sr.published {
				sr.published = p
				_ = sr.replica.Publish(ctx)
			}
		}
	}

	key := func() string { return fmt.Sprintf("sim/g%d/k%d", rng.IntN(4), rng.IntN(12)) }
	faultSteps := 200 + rng.IntN(200)
	net.SetFaults(memtransport.Faults{Loss: 0.3, Duplicate: 0.1})
	for s := range faultSteps {
		if rng.IntN(40) == 0 {
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
			net.Partition(g1, g2)
		} else if rng.IntN(20) == 0 {
			net.Heal()
		}
		for range rng.IntN(3) {
			st := reps[rng.IntN(n)].store
			var err error
			switch x := rng.IntN(100); {
			case x < 70:
				_, err = st.Put(ctx, key(), fmt.Appendf(nil, "v%d.%d", s, x))
			case x < 97:
				_, err = st.Delete(ctx, key())
			default:
				_, err = st.Delete(ctx, fmt.Sprintf("sim/g%d/*", rng.IntN(4)))
			}
			require.NoError(t, err)
		}
		ft.Advance(step)
		publish()
	}
	net.Heal()
	net.SetFaults(memtransport.Faults{})
	for range quietPeriods * int(interval/step) {
		ft.Advance(step)
		publish()
	}
	for _, sr := range reps[1:] {
		antientropytest.RequireSameState(t, reps[0].store, sr.store)
	}
	var fetched uint64
	for _, sr := range reps {
		fetched += sr.replica.Stats().SamplesFetched
	}
	t.Logf("%d replicas, %d fault steps, %d samples fetched, %d live keys", n, faultSteps, fetched, len(antientropytest.Live(t, reps[0].store)))
}
