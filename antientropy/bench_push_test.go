// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
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
func runMesh(b *testing.B, n int, opts antientropy.Options) []*strata.Store {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	net := memtransport.New(1)
	var stores []*strata.Store
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
		stores = append(stores, s)
	}
	return stores
}

// BenchmarkPushLatency measures write→visible on both peers of 3
// replicas over the in-memory transport, with default options (target:
// p99 ≤ 5 ms).
func BenchmarkPushLatency(b *testing.B) {
	stores := runMesh(b, 3, antientropy.Options{})
	antientropytest.MeasurePushLatency(b, stores[0], stores[1:], "push/k")
}

// BenchmarkPutPush measures put latency on a replica with push on and off
// (target: on ≤ 1.1 × off). In "alone", the replica's pushes leave the
// process (a transport that takes them and drops them, as a network
// would carry them to peers elsewhere): what push costs the writer's
// process. In "mesh", its 2 peers run in the same process over the
// in-memory transport and apply every push on the same cores.
func BenchmarkPutPush(b *testing.B) {
	for _, setup := range []string{"alone", "mesh"} {
		for _, mode := range []string{"off", "on"} {
			b.Run(setup+"/"+mode, func(b *testing.B) {
				opts := antientropy.Options{DisablePush: mode == "off"}
				var s *strata.Store
				if setup == "mesh" {
					s = runMesh(b, 3, opts)[0]
				} else {
					s = runAlone(b, opts)
				}
				benchPuts(b, s)
			})
		}
	}
}

// runAlone starts one replica of "push/**" whose transport drops what
// it is given.
func runAlone(b *testing.B, opts antientropy.Options) *strata.Store {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	s := openMemory(b, 0, &strata.Options{KeyExpr: "push/**"})
	opts.ID, opts.Logger = "alone", slog.New(slog.DiscardHandler)
	r, err := antientropy.New(s, &memtransport.Counting{T: sink{}}, &opts)
	require.NoError(b, err)
	b.Cleanup(func() { _ = r.Close() })
	go func() { _ = r.Run(ctx) }()
	return s
}

// sink is a transport without peers.
type sink struct{}

func (sink) Broadcast(context.Context, []byte) error { return nil }
func (sink) Request(context.Context, string, []byte) ([]byte, error) {
	return nil, memtransport.ErrUnreachable
}

// benchPuts puts 100-byte values on 10,000 keys and reports the put
// latency's 99th percentile.
func benchPuts(b *testing.B, s *strata.Store) {
	ctx := context.Background()
	value := make([]byte, 100)
	lat := make([]float64, 0, b.N)
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := s.Put(ctx, fmt.Sprintf("push/k%d", i%10000), value); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, float64(time.Since(start).Nanoseconds()))
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(lat[max(int(math.Ceil(0.99*float64(len(lat))))-1, 0)], "p99-ns")
}
