// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package antientropytest holds what tests of replication share: a fake
// clock, two stores wired as replicas over an in-memory network, a state
// comparison, and RunPairTests, the convergence suite any pair of stores
// must pass (two memory stores in antientropy's own tests; a RocksDB and
// an S3 store in a heterogeneous test).
package antientropytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/memtransport"
	"github.com/stratakv/strata/hlc/hlctest"
)

// FakeTime is a physical clock that moves only when told (hlctest.Time).
type FakeTime = hlctest.Time

// Start is where a new FakeTime starts.
var Start = hlctest.Start

// NewFakeTime returns a FakeTime at Start.
func NewFakeTime() *FakeTime { return hlctest.NewTime() }

// OpenStore opens an empty store for replica i (0 or 1: a heterogeneous
// harness opens a different backend for each) with opts, whose KeyExpr
// and Clock are set. The store is closed at the test's cleanup.
type OpenStore func(t testing.TB, i int, opts *strata.Options) *strata.Store

// State returns every key of s, tombstones included, as
// "kind@timestamp=value", for comparing replicas.
func State(t testing.TB, s *strata.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for smp, err := range s.Scan(context.Background(), s.KeyExpr(), &strata.ScanOptions{Tombstones: true}) {
		require.NoError(t, err)
		out[smp.Key] = fmt.Sprintf("%s@%s=%q", smp.Kind, smp.Timestamp, smp.Value)
	}
	return out
}

// Live returns the live keys of s and their values.
func Live(t testing.TB, s *strata.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for smp, err := range s.Get(context.Background(), s.KeyExpr()) {
		require.NoError(t, err)
		out[smp.Key] = string(smp.Value)
	}
	return out
}

// RequireSameState fails the test unless a and b hold the same keys with
// the same values, timestamps and tombstones.
func RequireSameState(t testing.TB, a, b *strata.Store) {
	t.Helper()
	sa, sb := State(t, a), State(t, b)
	if len(sa) != len(sb) {
		t.Fatalf("replicas differ: %d keys and %d keys\n%s", len(sa), len(sb), diffStates(sa, sb))
	}
	for k, v := range sa {
		if sb[k] != v {
			t.Fatalf("replicas differ\n%s", diffStates(sa, sb))
		}
	}
}

func diffStates(a, b map[string]string) string {
	out, n := "", 0
	for k, v := range a {
		if b[k] != v && n < 10 {
			out += fmt.Sprintf("  %s: %s | %s\n", k, v, b[k])
			n++
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok && n < 20 {
			out += fmt.Sprintf("  %s: (none) | %s\n", k, v)
			n++
		}
	}
	return out
}

// Pair is two stores replicated over an in-memory network, named "a" and
// "b".
type Pair struct {
	Time     *FakeTime
	Stores   [2]*strata.Store
	Replicas [2]*antientropy.Replica
	Net      *memtransport.Network
	Counting [2]*memtransport.Counting // what each replica sent
	Options  antientropy.Options
}

// Names are the replicas' names on the network.
var Names = [2]string{"a", "b"}

// NewPair wires a and b (whose clocks read ft) as replicas; nil opts means
// the defaults. The replicas are closed at the test's cleanup.
func NewPair(t testing.TB, ft *FakeTime, a, b *strata.Store, opts *antientropy.Options) *Pair {
	t.Helper()
	p := &Pair{Time: ft, Stores: [2]*strata.Store{a, b}, Net: memtransport.New(1)}
	if opts != nil {
		p.Options = *opts
	}
	for i, s := range p.Stores {
		ep := p.Net.Join(Names[i])
		p.Counting[i] = &memtransport.Counting{T: ep}
		o := p.Options
		o.ID = Names[i]
		r, err := antientropy.New(s, p.Counting[i], &o)
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		ep.Serve(r)
		p.Replicas[i] = r
	}
	return p
}

// Interval returns the pair's interval length.
func (p *Pair) Interval() time.Duration {
	if p.Options.Interval == 0 {
		return antientropy.DefaultInterval
	}
	return p.Options.Interval
}

// Elapse advances the fake time until what was written so far is in the
// digest: past the end of the current interval plus the propagation delay.
func (p *Pair) Elapse() {
	d := p.Options.PropagationDelay
	if d == 0 {
		d = antientropy.DefaultPropagationDelay
	}
	p.Time.Advance(p.Interval() + d + time.Millisecond)
}

// Align makes each replica pull from the other once.
func (p *Pair) Align(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, p.Replicas[0].AlignWith(ctx, Names[1]))
	require.NoError(t, p.Replicas[1].AlignWith(ctx, Names[0]))
}

// Settle elapses the current interval, aligns both ways and requires the
// same state on both stores.
func (p *Pair) Settle(t testing.TB) {
	t.Helper()
	p.Elapse()
	p.Align(t)
	RequireSameState(t, p.Stores[0], p.Stores[1])
}
