// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// BenchmarkPutWhileServing measures the latency of Store.Put on a
// replica of 1e6 keys (1e5 with -short) spread over a day, a year (sparse)
// or ten seconds (crowded), idle and
// while it serves a new replica's fill: a remote puller's requests, page
// by page, handed to HandleRequest as a transport would. It reports
// put-p99-idle-ns, put-p99-serving-ns and their ratio (target ≤ 2), and
// the fill's rate.
func BenchmarkPutWhileServing(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	for _, shape := range []struct {
		name string
		span time.Duration
	}{{"even", 24 * time.Hour}, {"sparse", 365 * 24 * time.Hour}, {"crowded", 10 * time.Second}} {
		b.Run(fmt.Sprintf("M=%d/shape=%s", n, shape.name), func(b *testing.B) {
			benchPutWhileServing(b, n, shape.span)
		})
	}
}

func benchPutWhileServing(b *testing.B, n int, span time.Duration) {
	ctx := context.Background()
	s := newTestStore(b, "bench/**")
	start := s.Clock().Now().Time - hlc.FromDuration(span)
	value := make([]byte, 100)
	for i := range n {
		smp := strata.Sample{Key: fmt.Sprintf("bench/%07d", i), Value: value, Kind: strata.KindPut,
			Timestamp: hlc.Timestamp{Time: start + hlc.NTP64(i)*(hlc.FromDuration(span)/hlc.NTP64(n)), ID: hlc.ID{0xee}}}
		if _, err := s.Apply(ctx, smp); err != nil {
			b.Fatal(err)
		}
	}
	r, err := New(s, nopTransport{}, &Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	i := 0
	put := func() time.Duration {
		i++
		t := time.Now()
		if _, err := s.Put(ctx, fmt.Sprintf("bench/w/%07d", i), value); err != nil {
			b.Fatal(err)
		}
		return time.Since(t)
	}
	// A control: the latency of an allocation of the size of a put's,
	// measured alongside, shows what the host and the runtime (CPU
	// shared with the fill, garbage collection) add by themselves.
	var sink []byte
	control := func() time.Duration {
		t := time.Now()
		sink = make([]byte, 256)
		return time.Since(t)
	}
	var idle, serving, ctlIdle, ctlServing []time.Duration
	var fill time.Duration
	for b.Loop() {
		idle, serving, ctlIdle, ctlServing = idle[:0], serving[:0], ctlIdle[:0], ctlServing[:0]
		for range 2000 {
			idle = append(idle, put())
			ctlIdle = append(ctlIdle, control())
			time.Sleep(20 * time.Microsecond)
		}
		done := make(chan error, 1)
		t := time.Now()
		go func() { done <- remoteFill(ctx, r, n) }()
	loop:
		for {
			select {
			case err := <-done:
				if err != nil {
					b.Fatal(err)
				}
				break loop
			default:
				serving = append(serving, put())
				ctlServing = append(ctlServing, control())
				time.Sleep(20 * time.Microsecond)
			}
		}
		fill = time.Since(t)
	}
	pi, ps := p99(idle), p99(serving)
	b.ReportMetric(float64(pi.Nanoseconds()), "put-p99-idle-ns")
	b.ReportMetric(float64(ps.Nanoseconds()), "put-p99-serving-ns")
	b.ReportMetric(float64(ps)/float64(pi), "p99-ratio")
	b.ReportMetric(float64(n)/fill.Seconds(), "keys/s-served")
	b.ReportMetric(float64(p99(ctlIdle).Nanoseconds()), "alloc-p99-idle-ns")
	b.ReportMetric(float64(p99(ctlServing).Nanoseconds()), "alloc-p99-serving-ns")
	_ = sink
}

// remoteFill pulls every sample of r's log, page by page, as a new
// replica would, and checks that at least n came.
func remoteFill(ctx context.Context, r *Replica, n int) error {
	L := r.reference()
	nodes := []node{rangeNode(0, r.cfg.intervalOf(r.store.Clock().Now().Time)+1)}
	var cur pullCursor
	got := 0
	for {
		reply, err := r.HandleRequest(ctx, "puller", appendPull(nil, r.cfg.hdr(), L, cur, nodes, false))
		if err != nil {
			return err
		}
		_, _, rd := readHeader(reply, r.cfg.MaxMessageSize)
		samples, _, next := readPullReply(rd, len(nodes), false)
		if rd.err != nil {
			return rd.err
		}
		got += len(samples)
		if next == nil {
			break
		}
		cur = *next
	}
	if got < n {
		return fmt.Errorf("pulled %d samples of %d", got, n)
	}
	return nil
}

func p99(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)*99+99)/100-1]
}
