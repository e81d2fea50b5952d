// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropytest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// MeasurePushLatency puts b.N samples on writer, one at a time, and
// measures how long each takes to be applied by every store of peers
// (replicas of writer that push and receive pushes, running): it
// reports the 50th and 99th percentiles in milliseconds (p50-ms, p99-ms).
// A sample that has not arrived everywhere after 30 s fails b.
func MeasurePushLatency(b *testing.B, writer *strata.Store, peers []*strata.Store, keyPrefix string) {
	var (
		mu   sync.Mutex
		want hlc.Timestamp
		seen int
		done chan struct{}
	)
	for _, p := range peers {
		stop := p.Watch(func(smp strata.Sample) {
			mu.Lock()
			defer mu.Unlock()
			if done != nil && smp.Timestamp == want {
				if seen++; seen == len(peers) {
					close(done)
					done = nil
				}
			}
		})
		b.Cleanup(stop)
	}
	ctx := context.Background()
	value := make([]byte, 100)
	lat := make([]float64, 0, b.N)
	i := 0
	for b.Loop() {
		arrived := make(chan struct{})
		mu.Lock()
		// The watchers compare timestamps: the put's is known only after
		// it returns, so the watchers wait for it under mu.
		done, seen = arrived, 0
		start := time.Now()
		ts, err := writer.Put(ctx, fmt.Sprintf("%s%d", keyPrefix, i%10000), value)
		want = ts
		mu.Unlock()
		if err != nil {
			b.Fatal(err)
		}
		select {
		case <-arrived:
		case <-time.After(30 * time.Second):
			b.Fatalf("put %d (%s) not visible on every peer after 30 s", i, ts)
		}
		lat = append(lat, float64(time.Since(start))/1e6)
		i++
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return lat[max(int(math.Ceil(p*float64(len(lat))))-1, 0)] }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
