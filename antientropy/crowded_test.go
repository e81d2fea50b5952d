// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/hlc"
)

// One difference in a crowded sub-interval (20,000 events written within
// one) converges within the budget of a difference anywhere: at most 4
// round trips, the digest's included, and one value fetched.
func TestCrowdedSubInterval(t *testing.T) {
	c := newCrowdedPair(t, 20_000)
	for d := 1; d <= 3; d++ {
		rt, bytes, fetched := c.differ(t, d)
		t.Logf("difference %d: %d round trips, %d bytes, %d values", d, rt, bytes, fetched)
		require.LessOrEqual(t, rt, uint64(4))
		require.Equal(t, uint64(1), fetched)
	}
	antientropytest.RequireSameState(t, c.pair.Stores[0], c.pair.Stores[1])
}

// BenchmarkCrowdedDifference measures one difference in a sub-interval
// of 200,000 events (20,000 with -short): round trips, protocol bytes,
// and the time of the alignment, both sides in this process (target
// ≤ 4 round trips and ≤ 50 ms of CPU per side).
func BenchmarkCrowdedDifference(b *testing.B) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	b.Run(fmt.Sprint("events=", n), func(b *testing.B) {
		c := newCrowdedPair(b, n)
		var rt, bytes uint64
		d := 0
		for b.Loop() {
			d++
			r, by, _ := c.differ(b, d)
			rt, bytes = rt+r, bytes+by
		}
		b.ReportMetric(float64(rt)/float64(d), "RT")
		b.ReportMetric(float64(bytes)/float64(d), "B/diff")
	})
}

type crowdedPair struct {
	pair *antientropytest.Pair
	base hlc.NTP64
	n    int
}

// newCrowdedPair builds two replicas of n keys all written within one
// sub-interval a minute before the fake now.
func newCrowdedPair(tb testing.TB, n int) *crowdedPair {
	return newCrowdedPairWith(tb, n, &antientropy.Options{Logger: slog.New(slog.DiscardHandler)})
}

// newCrowdedPairWith is newCrowdedPair with the replicas' options.
func newCrowdedPairWith(tb testing.TB, n int, opts *antientropy.Options) *crowdedPair {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime()
	a := openMemory(tb, 0, &strata.Options{KeyExpr: "c/**", Clock: ft.Clock(1, 0)})
	b := openMemory(tb, 1, &strata.Options{KeyExpr: "c/**", Clock: ft.Clock(2, 0)})
	base := hlc.FromTime(ft.Now().Add(-time.Minute))
	for i := range n {
		smp := strata.Sample{Key: fmt.Sprintf("c/%06d", i), Value: []byte("v"), Kind: strata.KindPut,
			Timestamp: hlc.Timestamp{Time: base + hlc.NTP64(i), ID: hlc.ID{0xee}}}
		for _, s := range []*strata.Store{a, b} {
			if _, err := s.Apply(ctx, smp); err != nil {
				tb.Fatal(err)
			}
		}
	}
	p := antientropytest.NewPair(tb, ft, a, b, opts)
	return &crowdedPair{pair: p, base: base, n: n}
}

// differ gives a key of the crowded sub-interval a version on a only, in
// that sub-interval, and aligns b with a.
func (c *crowdedPair) differ(tb testing.TB, d int) (rt, bytes, fetched uint64) {
	ctx := context.Background()
	p := c.pair
	smp := strata.Sample{Key: fmt.Sprintf("c/%06d", d*7919%c.n), Value: []byte("new"), Kind: strata.KindPut,
		Timestamp: hlc.Timestamp{Time: c.base + hlc.NTP64(c.n+d), ID: hlc.ID{0xef}}}
	if _, err := p.Stores[0].Apply(ctx, smp); err != nil {
		tb.Fatal(err)
	}
	p.Elapse()
	p.Counting[1].Reset()
	before := p.Replicas[1].Stats().SamplesFetched
	if err := p.Replicas[1].AlignWith(ctx, "a"); err != nil {
		tb.Fatal(err)
	}
	cnt := p.Counting[1].Counts()
	return cnt.RoundTrips, cnt.Bytes, p.Replicas[1].Stats().SamplesFetched - before
}
