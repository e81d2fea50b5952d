// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
)

// runMesh starts n replicas of "push/**" on the real clock over an
// in-memory network, each running until the benchmark ends.
func runMesh(b *testing.B, n int, opts antientropy.Options) ([]*strata.Store, []*antientropy.Replica) {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	net := memtransport.New(1)
	var stores []*strata.Store
	var replicas []*antientropy.Replica
	for i := range n {
		s := openMemory(b, i, &strata.Options{KeyExpr: "push/**"})
		ep := net.Join(fmt.Sprint("r", i))
		o := opts
		o.ID, o.Logger = ep.ID(), slog.New(slog.DiscardHandler)
		r, err := antientropy.New(s, ep, &o)
		require.NoError(b, err)
		b.Cleanup(func() { _ = r.Close() })
		ep.Serve(r)
		go func() { _ = r.Run(ctx) }()
		stores, replicas = append(stores, s), append(replicas, r)
	}
	return stores, replicas
}

// BenchmarkPushLatency measures write→visible on both peers of 3
// replicas over the in-memory transport, with default options (target:
// p99 ≤ 5 ms).
func BenchmarkPushLatency(b *testing.B) {
	stores, _ := runMesh(b, 3, antientropy.Options{})
	antientropytest.MeasurePushLatency(b, stores[0], stores[1:], "push/k")
}

// BenchmarkPutPush measures put latency on a replica with push on and
// on one with push off, in the same process, in alternating blocks of
// puts (off, on, on, off, ...), and reports both and their ratio (target:
// on ≤ 1.1 × off). In "alone", the replica's pushes leave the process (a
// transport that takes them and drops them, as a network would carry
// them to peers elsewhere): what push costs the writer's process, the
// sender's work included, which runs on the same cores. In "mesh", each
// store has 2 peers in the same process, over the in-memory transport,
// that apply every push on the same cores: the ratio includes the peers'
// writes, not only the pushing.
//
// Between blocks, untimed, the pushing replica sends what it still holds,
// so that a block of puts without push never pays for the pushes of the
// block before; what that last send of each block costs is left out (a
// linger's worth of a block's sending, a few percent of it). The bytes
// allocated per put, the sender's included, are reported for both, since
// what one mode allocates may be collected during the other's block, and
// so is the CPU time of the whole process per put (cpu-ns/put), the
// sender's and the collector's included.
//
// ns/op is the time of one put in each mode plus the pauses between
// blocks; the figures to read are on/off (the ratio of the mean put
// latencies), ns/put-off, ns/put-on, their p50 and p99, B/put and
// cpu-ns/put. On a machine shared with other work, a burst of it slows
// whichever blocks it falls on: on/off-med, the median over rounds of the
// ratio of one on block's mean to the adjacent off block's, is less
// sensitive to that; it is not the target's figure.
func BenchmarkPutPush(b *testing.B) {
	for _, setup := range []string{"alone", "mesh"} {
		b.Run(setup, func(b *testing.B) {
			var sides [2]putSide // off, on
			for i := range sides {
				opts := antientropy.Options{DisablePush: i == 0}
				if setup == "mesh" {
					stores, replicas := runMesh(b, 3, opts)
					sides[i].store, sides[i].replica = stores[0], replicas[0]
				} else {
					sides[i].store, sides[i].replica = runAlone(b, opts)
				}
			}
			comparePuts(b, &sides)
		})
	}
}

// putSide is one mode of BenchmarkPutPush: its store and what its puts
// cost.
type putSide struct {
	store   *strata.Store
	replica *antientropy.Replica
	lat     []float64     // ns per put
	alloc   uint64        // bytes allocated during its blocks
	cpu     time.Duration // CPU time of the process during its blocks
}

// putBlock is how many puts a block of BenchmarkPutPush makes in one
// mode: about 10 ms, many times the push loop's linger.
const putBlock = 8192

// comparePuts makes b.N puts of 100-byte values on 10,000 keys in each of
// the two stores, in alternating blocks, and reports their latencies.
func comparePuts(b *testing.B, sides *[2]putSide) {
	ctx := context.Background()
	value := make([]byte, 100)
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = fmt.Sprintf("push/k%d", i)
	}
	for i := range sides {
		sides[i].lat = make([]float64, 0, b.N)
	}
	var ms runtime.MemStats
	next := [2]int{}
	var pairs []float64 // per round of two blocks: on's mean / off's
	b.ResetTimer()
	for block := 0; next[0] < b.N; block++ {
		n := min(putBlock, b.N-next[0])
		var sum [2]float64
		for j := range 2 {
			side := (j + block) % 2 // off, on, on, off, off, on, ...
			sd := &sides[side]
			runtime.ReadMemStats(&ms)
			before, cpu0 := ms.TotalAlloc, processCPU()
			for k := next[side]; k < next[side]+n; k++ {
				start := time.Now()
				if _, err := sd.store.Put(ctx, keys[k%len(keys)], value); err != nil {
					b.Fatal(err)
				}
				sd.lat = append(sd.lat, float64(time.Since(start).Nanoseconds()))
				sum[side] += sd.lat[len(sd.lat)-1]
			}
			next[side] += n
			// What the block queued is sent before the next block starts.
			if err := sd.replica.Push(ctx); err != nil {
				b.Fatal(err)
			}
			sd.cpu += processCPU() - cpu0
			runtime.ReadMemStats(&ms)
			sd.alloc += ms.TotalAlloc - before
		}
		pairs = append(pairs, sum[1]/sum[0])
	}
	b.StopTimer()
	var mean [2]float64
	for i, mode := range []string{"off", "on"} {
		sd := &sides[i]
		for _, l := range sd.lat {
			mean[i] += l
		}
		mean[i] /= float64(len(sd.lat))
		slices.Sort(sd.lat)
		q := func(p float64) float64 { return sd.lat[max(int(math.Ceil(p*float64(len(sd.lat))))-1, 0)] }
		b.ReportMetric(mean[i], "ns/put-"+mode)
		b.ReportMetric(q(0.5), "p50-ns-"+mode)
		b.ReportMetric(q(0.99), "p99-ns-"+mode)
		b.ReportMetric(float64(sd.alloc)/float64(len(sd.lat)), "B/put-"+mode)
		b.ReportMetric(float64(sd.cpu.Nanoseconds())/float64(len(sd.lat)), "cpu-ns/put-"+mode)
	}
	b.ReportMetric(mean[1]/mean[0], "on/off")
	slices.Sort(pairs)
	b.ReportMetric(pairs[len(pairs)/2], "on/off-med")
}

// runAlone starts one replica of "push/**" whose transport drops what
// it is given.
func runAlone(b *testing.B, opts antientropy.Options) (*strata.Store, *antientropy.Replica) {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	s := openMemory(b, 0, &strata.Options{KeyExpr: "push/**"})
	opts.ID, opts.Logger = "alone", slog.New(slog.DiscardHandler)
	r, err := antientropy.New(s, &memtransport.Counting{T: sink{}}, &opts)
	require.NoError(b, err)
	b.Cleanup(func() { _ = r.Close() })
	go func() { _ = r.Run(ctx) }()
	return s, r
}

// sink is a transport without peers.
type sink struct{}

func (sink) Broadcast(context.Context, []byte) error { return nil }

// BroadcastCopies reports true, as a network transport would: it is done
// with a message when Broadcast returns.
func (sink) BroadcastCopies() bool { return true }
func (sink) Request(context.Context, string, []byte) ([]byte, error) {
	return nil, memtransport.ErrUnreachable
}

// processCPU is the CPU time the process has used, all its threads.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
