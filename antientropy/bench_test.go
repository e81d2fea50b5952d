// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/hlc"
)

// Benchmarks run on stores of benchKeys() keys of 100-byte values whose
// timestamps spread over a history before the fake time (most run each
// of the shapes below: a day, a year, ten seconds), written by a
// producer clock (as if the data came from elsewhere), built with
// Store.Apply once per benchmark. They report, per difference, the
// protocol bytes besides the values (B/diff), the round trips (RT), the
// values fetched (values/diff) and the time (ns/key or ns/op).

const benchValueSize = 100

func benchKeys() int {
	if testing.Short() {
		return 100_000
	}
	return 1_000_000
}

var producer = hlc.ID{0xee}

func benchKey(i int) string { return fmt.Sprintf("bench/%07d", i) }

func benchValue(i int) []byte {
	v := make([]byte, benchValueSize)
	for k := range v {
		v[k] = byte('a' + (i+k)%26)
	}
	return v
}

type benchEnv struct {
	ft       *antientropytest.FakeTime
	pair     *antientropytest.Pair
	rawBytes int
}

// openBench opens a store with clock id reading ft.
func openBench(b *testing.B, ft *antientropytest.FakeTime, id byte) *strata.Store {
	return openMemory(b, 0, &strata.Options{KeyExpr: "bench/**", Clock: ft.Clock(id, 0)})
}

// alignMeasured runs b's pull from a and returns what b's transport
// counted and the value bytes fetched.
func (e *benchEnv) alignMeasured(b *testing.B) (rt, bytes uint64) {
	c := e.pair.Counting[1]
	c.Reset()
	if err := e.pair.Replicas[1].AlignWith(context.Background(), "a"); err != nil {
		b.Fatal(err)
	}
	n := c.Counts()
	return n.RoundTrips, n.Bytes
}

func BenchmarkInSyncDigest(b *testing.B) {
	n := benchKeys()
	for _, shape := range shapes {
		b.Run(fmt.Sprintf("M=%d/shape=%s", n, shape.name), func(b *testing.B) {
			benchInSyncDigest(b, newSpanBenchPair(b, n, shape.span, false))
		})
	}
}

func benchInSyncDigest(b *testing.B, e *benchEnv) {
	ctx := context.Background()
	var rt, bytes uint64
	for b.Loop() {
		rt, bytes = e.alignMeasured(b)
	}
	if rt != 1 {
		b.Fatalf("in sync, yet %d round trips", rt)
	}
	// The digest alone: what a broadcast costs.
	e.pair.Counting[0].Reset()
	if err := e.pair.Replicas[0].Publish(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(e.pair.Counting[0].Counts().Bytes), "B/digest")
	b.ReportMetric(float64(bytes), "B/align")
}

// BenchmarkOneDifference puts a key on one replica now and measures the
// other's alignment, for each shape of history.
func BenchmarkOneDifference(b *testing.B) {
	n := benchKeys()
	for _, shape := range shapes {
		b.Run(fmt.Sprintf("M=%d/shape=%s", n, shape.name), func(b *testing.B) {
			benchOneDifference(b, n, newSpanBenchPair(b, n, shape.span, false))
		})
	}
}

func benchOneDifference(b *testing.B, n int, e *benchEnv) {
	ctx := context.Background()
	var rt, bytes, fetched uint64
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		if _, err := e.pair.Stores[0].Put(ctx, benchKey(i*7919%n), benchValue(i+1)); err != nil {
			b.Fatal(err)
		}
		e.pair.Elapse()
		before := e.pair.Replicas[1].Stats().SamplesFetched
		b.StartTimer()
		r, by := e.alignMeasured(b)
		rt, bytes = rt+r, bytes+by
		fetched += e.pair.Replicas[1].Stats().SamplesFetched - before
	}
	k := float64(i)
	b.ReportMetric(float64(rt)/k, "RT")
	b.ReportMetric((float64(bytes)-float64(fetched)*benchValueSize)/k, "B/diff")
	b.ReportMetric(float64(fetched)/k, "values/diff")
}

// shapes are the spreads of the benchmarks' keys in time: even (a day),
// sparse (a year: about one key per sub-interval) and crowded (ten
// seconds: 1e6 keys make sub-intervals of 200,000).
var shapes = []struct {
	name string
	span time.Duration
}{
	{"even", 24 * time.Hour},
	{"sparse", 365 * 24 * time.Hour},
	{"crowded", 10 * time.Second},
}

// BenchmarkScatteredDifferences gives 1,000 keys spread over the whole
// history a newer version on one replica, each just after its original
// one, and measures the other's alignment, for each shape.
func BenchmarkScatteredDifferences(b *testing.B) {
	n := benchKeys()
	const d = 1000
	for _, shape := range shapes {
		b.Run(fmt.Sprintf("M=%d/d=%d/shape=%s", n, d, shape.name), func(b *testing.B) {
			e := newSpanBenchPair(b, n, shape.span, false)
			ctx := context.Background()
			r := rand.New(rand.NewPCG(1, 2))
			var rt, bytes, fetched, diffs uint64
			for b.Loop() {
				b.StopTimer()
				for range d {
					i := r.IntN(n)
					smp := strata.Sample{Key: benchKey(i), Value: benchValue(i + 1), Kind: strata.KindPut,
						Timestamp: hlc.Timestamp{Time: spanTime(i, n, shape.span) + hlc.NTP64(16*(1+diffs)), ID: hlc.ID{0xef}}}
					if _, err := e.pair.Stores[0].Apply(ctx, smp); err != nil {
						b.Fatal(err)
					}
					diffs++
				}
				e.pair.Elapse()
				before := e.pair.Replicas[1].Stats().SamplesFetched
				b.StartTimer()
				x, by := e.alignMeasured(b)
				rt, bytes = rt+x, bytes+by
				fetched += e.pair.Replicas[1].Stats().SamplesFetched - before
			}
			b.ReportMetric(float64(rt)/float64(b.N), "RT")
			b.ReportMetric((float64(bytes)-float64(fetched)*benchValueSize)/float64(diffs), "B/diff")
			b.ReportMetric(float64(fetched)/float64(diffs), "values/diff")
		})
	}
}

// BenchmarkNewReplica fills an empty replica from one of n keys, for
// each shape and over 30 days (target: linear, 1e6 keys over 30 days in
// ≤ 15 s on the memory backend).
func BenchmarkNewReplica(b *testing.B) {
	n := benchKeys()
	cases := append(shapes[:len(shapes):len(shapes)], struct {
		name string
		span time.Duration
	}{"30d", 30 * 24 * time.Hour})
	for _, shape := range cases {
		b.Run(fmt.Sprintf("M=%d/shape=%s", n, shape.name), func(b *testing.B) {
			var e *benchEnv
			var rt, bytes uint64
			for b.Loop() {
				b.StopTimer()
				e = newSpanBenchPair(b, n, shape.span, true)
				b.StartTimer()
				rt, bytes = e.alignMeasured(b)
			}
			if got := len(antientropytest.Live(b, e.pair.Stores[1])); got != n {
				b.Fatalf("the new replica holds %d keys of %d", got, n)
			}
			b.ReportMetric(float64(rt), "RT")
			b.ReportMetric(100*(float64(bytes)-float64(e.rawBytes))/float64(e.rawBytes), "%overhead")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}

// newSpanBenchPair is a replica of n keys spread over span and another,
// empty or with the same keys.
func newSpanBenchPair(b *testing.B, n int, span time.Duration, empty bool) *benchEnv {
	ft := antientropytest.NewFakeTime()
	sa, sb := openBench(b, ft, 0xa), openBench(b, ft, 0xb)
	fillSpan(b, sa, n, span)
	if !empty {
		fillSpan(b, sb, n, span)
	}
	raw := 0
	for i := range n {
		raw += len(benchKey(i)) + benchValueSize
	}
	p := antientropytest.NewPair(b, ft, sa, sb, &antientropy.Options{Logger: slog.New(slog.DiscardHandler)})
	p.Elapse()
	return &benchEnv{ft: ft, pair: p, rawBytes: raw}
}

// BenchmarkWatchHook compares Store.Put without and with a replica
// attached: the difference is the cost of the log's Watch hook.
func BenchmarkWatchHook(b *testing.B) {
	for _, attached := range []bool{false, true} {
		b.Run(fmt.Sprint("replica=", attached), func(b *testing.B) {
			ft := antientropytest.NewFakeTime()
			s := openBench(b, ft, 0xa)
			if attached {
				r, err := antientropy.New(s, nopBenchTransport{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
			}
			ctx := context.Background()
			keys := make([]string, 1<<16)
			for i := range keys {
				keys[i] = benchKey(i)
			}
			v := benchValue(0)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Put(ctx, keys[i&(1<<16-1)], v); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkLogMemory measures the heap the log takes per key, besides the
// key bytes (which the log shares with nothing: it keeps its own copy),
// for keys spread over ten seconds (crowded), an hour, a day, a month and
// a year (target ≤ 64 B/key besides the key, whatever the spread).
func BenchmarkLogMemory(b *testing.B) {
	n := benchKeys()
	for _, span := range []time.Duration{10 * time.Second, time.Hour, 24 * time.Hour, 30 * 24 * time.Hour, 365 * 24 * time.Hour} {
		b.Run(fmt.Sprintf("M=%d/spread=%v", n, span), func(b *testing.B) {
			ft := antientropytest.NewFakeTime()
			s := openBench(b, ft, 0xa)
			fillSpan(b, s, n, span)
			keyBytes := 0
			for i := range n {
				keyBytes += len(benchKey(i))
			}
			var perKey float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				r, err := antientropy.New(s, nopBenchTransport{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				perKey = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
				runtime.KeepAlive(r)
				_ = r.Close()
			}
			b.ReportMetric(perKey, "B/key")
			b.ReportMetric(perKey-float64(keyBytes)/float64(n), "B/key-besides-key")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}

type nopBenchTransport struct{}

func (nopBenchTransport) Broadcast(context.Context, []byte) error { return nil }
func (nopBenchTransport) Request(context.Context, string, []byte) ([]byte, error) {
	return nil, antientropy.ErrClosed
}
