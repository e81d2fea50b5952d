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
	"github.com/stratakv/strata/antientropy/memtransport"
)

// A new replica fills up by pages of at most MaxMessageSize bytes; when
// replies get lost, the next alignment resumes where the last page ended:
// no sample is received twice.
func TestNewReplicaResumes(t *testing.T) {
	ctx := context.Background()
	ft, a, b := memoryStores(t, "r/**")
	for i := range 500 {
		_, err := a.Put(ctx, fmt.Sprintf("r/k/%03d", i), make([]byte, 100))
		require.NoError(t, err)
	}
	p := antientropytest.NewPair(t, ft, a, b, &antientropy.Options{MaxMessageSize: antientropy.MinMessageSize, Logger: slog.New(slog.DiscardHandler)})
	p.Elapse()
	p.Net.SetFaults(memtransport.Faults{Loss: 0.2})
	failures := 0
	for p.Replicas[1].AlignWith(ctx, "a") != nil {
		failures++
		require.Less(t, failures, 200)
	}
	p.Net.SetFaults(memtransport.Faults{})
	require.NoError(t, p.Replicas[1].AlignWith(ctx, "a"))
	antientropytest.RequireSameState(t, a, b)
	st := p.Replicas[1].Stats()
	require.Equal(t, uint64(500), st.SamplesFetched, "resumed, not restarted (after %d failures)", failures)
	require.Greater(t, failures, 0, "the loss interrupted the transfer")
	t.Logf("%d interruptions, %d messages", failures, st.MessagesSent)
}

// Deletes leave the log after the tombstone lifespan, by timestamp, on
// every replica alike: a store that collected its tombstones and one that
// did not still have the same digest.
func TestTombstoneLifespan(t *testing.T) {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime()
	open := func(id byte) *strata.Store {
		return openMemory(t, int(id), &strata.Options{KeyExpr: "t/**", Clock: ft.Clock(id, 0), TombstoneLifespan: time.Minute})
	}
	a, b := open(1), open(2)
	p := antientropytest.NewPair(t, ft, a, b, nil)
	for i := range 20 {
		_, err := a.Put(ctx, fmt.Sprint("t/k/", i), []byte("v"))
		require.NoError(t, err)
	}
	p.Settle(t)
	for i := range 10 {
		_, err := b.Delete(ctx, fmt.Sprint("t/k/", i))
		require.NoError(t, err)
	}
	_, err := b.Delete(ctx, "t/w/*")
	require.NoError(t, err)
	p.Settle(t)
	require.Len(t, a.WildcardDeletes(), 1)

	ft.Advance(3 * time.Minute)
	res, err := a.CollectGarbage(ctx)
	require.NoError(t, err)
	require.Equal(t, strata.GCResult{Tombstones: 10, Wildcards: 1}, res)
	p.Counting[0].Reset()
	p.Align(t)
	require.Equal(t, uint64(1), p.Counting[0].Counts().RoundTrips, "in sync although only a collected its tombstones")
	require.Len(t, antientropytest.Live(t, a), 10)
	require.Len(t, antientropytest.Live(t, b), 10)
	require.NoError(t, p.Replicas[0].Publish(ctx)) // prunes the log
	require.Equal(t, uint64(10), p.Replicas[0].Stats().LogEvents)
}
