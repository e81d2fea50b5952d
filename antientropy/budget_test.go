// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/hlc"
)

// TestOneDifferenceBudget checks, on small stores, the budget of one
// difference in each era: at most 4 round trips (the digest request
// included) and 4 KiB of protocol bytes besides the value, one value
// fetched. BenchmarkOneDifferenceByEra measures the same at full size.
func TestOneDifferenceBudget(t *testing.T) {
	for _, c := range eraCases {
		t.Run(c.name, func(t *testing.T) {
			n := 20_000
			if c.history < time.Minute {
				n = 100_000 // sub-intervals of 20,000 events: two levels of hash buckets
			}
			e := newEraPair(t, n, c.history)
			for i := 1; i <= 3; i++ {
				e.diverge(t, i, c.age)
				e.pair.Elapse()
				rt, bytes, _, fetched := e.align(t)
				proto := int(bytes) - int(fetched)*benchValueSize
				t.Logf("difference %d: %d round trips, %d protocol bytes, %d values", i, rt, proto, fetched)
				if rt > 4 || proto > 4<<10 || fetched != 1 {
					t.Fatalf("one difference took %d round trips and %d protocol bytes, and fetched %d values; want ≤ 4, ≤ 4096 and 1", rt, proto, fetched)
				}
				e.pair.Time.Advance(time.Minute)
			}
		})
	}
}

// TestCrowdedScatteredBudget checks the budget of differences scattered
// over a crowded sub-interval (200,000 events, one difference in 1,000,
// as in BenchmarkScatteredDifferences with shape=crowded): at most 1 KiB
// of protocol bytes per difference besides the values, each value
// fetched once. The replicas share a Secret, so event hashes, and the
// short hashes derived from them, are keyed.
func TestCrowdedScatteredBudget(t *testing.T) {
	const n, d = 200_000, 200
	c := newCrowdedPairWith(t, n, &antientropy.Options{Secret: []byte("a budget test secret"), Logger: slog.New(slog.DiscardHandler)})
	p := c.pair
	r := rand.New(rand.NewPCG(3, 4))
	value := []byte("new")
	for k, i := range r.Perm(n)[:d] {
		smp := strata.Sample{Key: fmt.Sprintf("c/%06d", i), Value: value, Kind: strata.KindPut,
			Timestamp: hlc.Timestamp{Time: c.base + hlc.NTP64(n+k), ID: hlc.ID{0xef}}}
		_, err := p.Stores[0].Apply(context.Background(), smp)
		require.NoError(t, err)
	}
	p.Elapse()
	p.Counting[1].Reset()
	before := p.Replicas[1].Stats().SamplesFetched
	require.NoError(t, p.Replicas[1].AlignWith(context.Background(), "a"))
	cnt := p.Counting[1].Counts()
	fetched := p.Replicas[1].Stats().SamplesFetched - before
	perDiff := (int(cnt.Bytes) - int(fetched)*len(value)) / d
	t.Logf("%d differences among %d events: %d round trips, %d protocol bytes each, %d values", d, n, cnt.RoundTrips, perDiff, fetched)
	require.Equal(t, uint64(d), fetched)
	require.LessOrEqual(t, perDiff, 1<<10, "protocol bytes per difference")
	antientropytest.RequireSameState(t, p.Stores[0], p.Stores[1])
}
