// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/hlc"
)

// One difference in each era. BenchmarkOneDifference puts a key now, so
// the difference lands in the hot era; here an old key gets, on replica a
// only (Store.Apply), a version whose timestamp is some time before the
// fake now: minutes (the warm era) or hours and days (the cold era), over
// a history of 24 hours (as the other benchmarks) or of 30 days (a cold
// era of many intervals). Besides the metrics of BenchmarkOneDifference,
// RT-bcast and B/diff-bcast are what the same alignment costs when the
// digest arrived by broadcast: without the digest request and its reply.

// eraCase is one difference to converge: keys spread over history before
// the fake start, and the updated version age before the fake now.
type eraCase struct {
	name    string
	history time.Duration
	age     time.Duration
}

var eraCases = []eraCase{
	{"era=hot/history=24h/age=0", 24 * time.Hour, 0},
	{"era=warm/history=24h/age=3m", 24 * time.Hour, 3 * time.Minute},
	{"era=cold/history=24h/age=6h", 24 * time.Hour, 6 * time.Hour},
	{"era=warm/history=30d/age=3m", 30 * 24 * time.Hour, 3 * time.Minute},
	{"era=cold/history=30d/age=10d", 30 * 24 * time.Hour, 10 * 24 * time.Hour},
	{"era=cold/history=1y/age=100d", 365 * 24 * time.Hour, 100 * 24 * time.Hour},
	// A crowded history in the hot era: the key leaves a crowded
	// sub-interval for the newest one.
	{"era=hot/history=10s/age=0", 10 * time.Second, 0},
}

func BenchmarkOneDifferenceByEra(b *testing.B) {
	for _, c := range eraCases {
		benchEraDifference(b, c)
	}
}

// spanTime is the timestamp of key i among n spread over span before the
// fake clock's start.
func spanTime(i, n int, span time.Duration) hlc.NTP64 {
	start := antientropytest.Start.Add(-span)
	return hlc.FromTime(start.Add(time.Duration(i) * (span / time.Duration(n))))
}

// fillSpan applies the n keys to s, spread over span.
func fillSpan(tb testing.TB, s *strata.Store, n int, span time.Duration) {
	ctx := context.Background()
	for i := range n {
		smp := strata.Sample{Key: benchKey(i), Value: benchValue(i), Timestamp: hlc.Timestamp{Time: spanTime(i, n, span), ID: producer}, Kind: strata.KindPut}
		if _, err := s.Apply(ctx, smp); err != nil {
			tb.Fatal(err)
		}
	}
}

// exchangeLog wraps a transport and keeps the size of each exchange
// (request plus reply), in order.
type exchangeLog struct {
	antientropy.Transport
	mu    sync.Mutex
	sizes []int
}

func (x *exchangeLog) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	reply, err := x.Transport.Request(ctx, peer, msg)
	x.mu.Lock()
	x.sizes = append(x.sizes, len(msg)+len(reply))
	x.mu.Unlock()
	return reply, err
}

// first returns the size of the first exchange since the last call, and
// forgets them all.
func (x *exchangeLog) first() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := 0
	if len(x.sizes) > 0 {
		n = x.sizes[0]
	}
	x.sizes = x.sizes[:0]
	return n
}

// eraPair is two replicas of n keys spread over history, with b's
// exchanges logged.
type eraPair struct {
	ft   *antientropytest.FakeTime
	pair *antientropytest.Pair
	ex   *exchangeLog
	n    int
}

func newEraPair(tb testing.TB, n int, history time.Duration) *eraPair {
	ft := antientropytest.NewFakeTime()
	sa := openMemory(tb, 0, &strata.Options{KeyExpr: "bench/**", Clock: ft.Clock(0xa, 0)})
	sb := openMemory(tb, 1, &strata.Options{KeyExpr: "bench/**", Clock: ft.Clock(0xb, 0)})
	fillSpan(tb, sa, n, history)
	fillSpan(tb, sb, n, history)
	p := antientropytest.NewPair(tb, ft, sa, sb, &antientropy.Options{Logger: slog.New(slog.DiscardHandler)})
	ex := &exchangeLog{Transport: p.Counting[1].T}
	p.Counting[1].T = ex
	p.Elapse()
	return &eraPair{ft: ft, pair: p, ex: ex, n: n}
}

// diverge gives key number i (among the older half of the keys, which
// are all older than age) a new version on a only, age before now.
func (e *eraPair) diverge(tb testing.TB, i int, age time.Duration) {
	k := i * 7919 % (e.n / 2)
	smp := strata.Sample{Key: benchKey(k), Value: benchValue(k + i), Kind: strata.KindPut,
		Timestamp: hlc.Timestamp{Time: hlc.FromTime(e.ft.Now().Add(-age)), ID: hlc.ID{0xef}}}
	if res, err := e.pair.Stores[0].Apply(context.Background(), smp); err != nil {
		tb.Fatal(err)
	} else if res == strata.Outdated {
		tb.Fatalf("the new version of %s is outdated", smp.Key)
	}
}

// align runs b's pull from a and returns its round trips, its bytes, the
// bytes of its first exchange (the digest request and reply), and the
// values fetched.
func (e *eraPair) align(tb testing.TB) (rt, bytes, digest, fetched uint64) {
	c := e.pair.Counting[1]
	c.Reset()
	e.ex.first()
	before := e.pair.Replicas[1].Stats().SamplesFetched
	if err := e.pair.Replicas[1].AlignWith(context.Background(), "a"); err != nil {
		tb.Fatal(err)
	}
	n := c.Counts()
	return n.RoundTrips, n.Bytes, uint64(e.ex.first()), e.pair.Replicas[1].Stats().SamplesFetched - before
}

func benchEraDifference(b *testing.B, c eraCase) {
	n := benchKeys()
	b.Run(fmt.Sprintf("M=%d/%s", n, c.name), func(b *testing.B) {
		e := newEraPair(b, n, c.history)
		var rt, bytes, digest, fetched uint64
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			e.diverge(b, i, c.age)
			e.pair.Elapse()
			b.StartTimer()
			r, by, d, f := e.align(b)
			rt, bytes, digest, fetched = rt+r, bytes+by, digest+d, fetched+f
		}
		b.StopTimer()
		antientropytest.RequireSameState(b, e.pair.Stores[0], e.pair.Stores[1])
		k := float64(i)
		proto := float64(bytes) - float64(fetched)*benchValueSize
		b.ReportMetric(float64(rt)/k, "RT")
		b.ReportMetric(proto/k, "B/diff")
		b.ReportMetric(float64(fetched)/k, "values/diff")
		b.ReportMetric(float64(rt)/k-1, "RT-bcast")
		b.ReportMetric((proto-float64(digest))/k, "B/diff-bcast")
	})
}
