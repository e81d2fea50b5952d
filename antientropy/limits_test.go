// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
)

// longKey returns a key of about n bytes that shares little with its
// neighbours, so that prefix sharing does not shrink a listing.
func longKey(prefix string, i, n int) string {
	sum := sha256.Sum256(fmt.Append(nil, prefix, i))
	h := hex.EncodeToString(sum[:])
	k := prefix + "/"
	for len(k) < n {
		k += h
	}
	return k[:n]
}

// Every answer fits the message limit whatever the key sizes: with a
// 4 KiB limit, a sub-interval listing 30 keys of 150 bytes on each side
// does not fit in one answer, and the replicas still converge.
func TestLongKeysFitTheLimit(t *testing.T) {
	ctx := context.Background()
	ft, a, b := memoryStores(t, "l/**")
	p := antientropytest.NewPair(t, ft, a, b, &antientropy.Options{MaxMessageSize: antientropy.MinMessageSize, Logger: slog.New(slog.DiscardHandler)})
	for i := range 30 {
		_, err := a.Put(ctx, longKey("l/a", i, 150), []byte("va"))
		require.NoError(t, err)
		_, err = b.Put(ctx, longKey("l/b", i, 150), []byte("vb"))
		require.NoError(t, err)
	}
	p.Settle(t)
	require.Len(t, antientropytest.Live(t, a), 60)
	// The same in the cold era, where nodes are ranges of intervals.
	p.Time.Advance(time.Hour)
	for i := range 30 {
		_, err := a.Put(ctx, longKey("l/c", i, 400), []byte("vc"))
		require.NoError(t, err)
		_, err = b.Put(ctx, longKey("l/d", i, 400), []byte("vd"))
		require.NoError(t, err)
	}
	p.Time.Advance(time.Hour)
	p.Settle(t)
	require.Len(t, antientropytest.Live(t, a), 120)
	require.Zero(t, p.Replicas[0].Stats().AlignmentsFailed+p.Replicas[1].Stats().AlignmentsFailed)
}

// newMixedPair wires a and b as replicas with their own options.
func newMixedPair(t *testing.T, ft *antientropytest.FakeTime, stores [2]*strata.Store, opts [2]antientropy.Options) [2]*antientropy.Replica {
	net := memtransport.New(1)
	var reps [2]*antientropy.Replica
	for i, s := range stores {
		ep := net.Join(antientropytest.Names[i])
		o := opts[i]
		o.ID = antientropytest.Names[i]
		r, err := antientropy.New(s, ep, &o)
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		ep.Serve(r)
		reps[i] = r
	}
	return reps
}

// Replicas with different MaxMessageSize converge: each sizes its
// requests and replies by the smaller of the two limits.
func TestDifferentMessageLimits(t *testing.T) {
	ctx := context.Background()
	ft, a, b := memoryStores(t, "m/**")
	quiet := slog.New(slog.DiscardHandler)
	reps := newMixedPair(t, ft, [2]*strata.Store{a, b}, [2]antientropy.Options{
		{MaxMessageSize: antientropy.MinMessageSize, Logger: quiet}, {Logger: quiet}})
	for i := range 500 {
		_, err := b.Put(ctx, fmt.Sprintf("m/b/%04d", i), make([]byte, 100))
		require.NoError(t, err)
		_, err = a.Put(ctx, fmt.Sprintf("m/a/%04d", i), make([]byte, 100))
		require.NoError(t, err)
		if i%50 == 0 {
			ft.Advance(time.Second)
		}
	}
	ft.Advance(time.Minute)
	require.NoError(t, reps[0].AlignWith(ctx, "b"))
	require.NoError(t, reps[1].AlignWith(ctx, "a"))
	antientropytest.RequireSameState(t, a, b)
	require.Zero(t, reps[0].Stats().Malformed+reps[1].Stats().Malformed)
}

// A replica that is ahead does not pull its lagging peer's stale values:
// a peer that missed the update of every key of 1 KB costs the up-to-date
// replica metadata only, while the lagging peer fetches every new value.
func TestAheadReplicaFetchesNothingStale(t *testing.T) {
	ctx := context.Background()
	ft, a, b := memoryStores(t, "s/**")
	p := antientropytest.NewPair(t, ft, a, b, &antientropy.Options{Logger: slog.New(slog.DiscardHandler)})
	const n = 1000
	value := make([]byte, 1000)
	for i := range n {
		_, err := a.Put(ctx, fmt.Sprintf("s/k/%04d", i), value)
		require.NoError(t, err)
		if i%100 == 0 {
			ft.Advance(3 * time.Second)
		}
	}
	p.Settle(t)
	// b is down while a updates every key, hours later.
	ft.Advance(3 * time.Hour)
	for i := range n {
		_, err := a.Put(ctx, fmt.Sprintf("s/k/%04d", i), value)
		require.NoError(t, err)
	}
	p.Elapse()
	before := p.Replicas[0].Stats()
	require.NoError(t, p.Replicas[0].AlignWith(ctx, "b"))
	st := p.Replicas[0].Stats()
	received := st.BytesReceived - before.BytesReceived
	t.Logf("the ahead replica received %d bytes and fetched %d samples in %d messages", received, st.SamplesFetched-before.SamplesFetched, st.MessagesSent-before.MessagesSent)
	require.Zero(t, st.SamplesFetched-before.SamplesFetched, "no stale value fetched")
	require.Less(t, received, uint64(n*100), "metadata only: well under the %d value bytes", n*len(value))
	require.NoError(t, p.Replicas[1].AlignWith(ctx, "a"))
	antientropytest.RequireSameState(t, a, b)
}
