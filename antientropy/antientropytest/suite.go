// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropytest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/hlc"
)

// KeyExpr is the key space of the stores RunPairTests opens.
const KeyExpr = "demo/**"

// RunPairTests runs the convergence suite on pairs of stores that open
// makes: initial sync, updates and deletes on both sides, a difference in
// the cold era, wildcard deletes against older puts (Zenoh #1689, #2649),
// and replicas with different configurations refusing to align.
func RunPairTests(t *testing.T, open OpenStore) {
	newPair := func(t *testing.T, opts *antientropy.Options) *Pair {
		ft := NewFakeTime()
		a := open(t, 0, &strata.Options{KeyExpr: KeyExpr, Clock: ft.Clock(0xa, 0)})
		b := open(t, 1, &strata.Options{KeyExpr: KeyExpr, Clock: ft.Clock(0xb, 0)})
		return NewPair(t, ft, a, b, opts)
	}
	ctx := context.Background()
	put := func(t *testing.T, s *strata.Store, key, value string) hlc.Timestamp {
		t.Helper()
		ts, err := s.Put(ctx, key, []byte(value))
		require.NoError(t, err)
		return ts
	}

	t.Run("InitialSync", func(t *testing.T) {
		p := newPair(t, nil)
		for i := range 1000 {
			put(t, p.Stores[0], fmt.Sprintf("demo/k/%04d", i), fmt.Sprintf("value %d", i))
			if i%100 == 99 {
				p.Time.Advance(3 * time.Second)
			}
		}
		p.Elapse()
		require.NoError(t, p.Replicas[1].AlignWith(ctx, Names[0]))
		RequireSameState(t, p.Stores[0], p.Stores[1])
		require.Len(t, Live(t, p.Stores[1]), 1000)
		st := p.Replicas[1].Stats()
		require.Equal(t, uint64(1000), st.SamplesFetched, "every value once")
		require.Equal(t, uint64(1000), st.SamplesApplied)
		// Aligned: a second alignment moves nothing.
		p.Counting[1].Reset()
		require.NoError(t, p.Replicas[1].AlignWith(ctx, Names[0]))
		require.Equal(t, uint64(1), p.Counting[1].Counts().RoundTrips, "in sync: one digest request")
		require.Equal(t, uint64(1000), p.Replicas[1].Stats().SamplesFetched)
	})

	t.Run("UpdatesAndDeletesBothWays", func(t *testing.T) {
		p := newPair(t, nil)
		for i := range 50 {
			put(t, p.Stores[i%2], fmt.Sprintf("demo/k/%02d", i), "v0")
		}
		p.Settle(t)
		for round := 1; round <= 3; round++ {
			for i := range 50 {
				s := p.Stores[(i+round)%2]
				switch i % 5 {
				case 0:
					_, err := s.Delete(ctx, fmt.Sprintf("demo/k/%02d", i))
					require.NoError(t, err)
				case 1, 2:
					put(t, s, fmt.Sprintf("demo/k/%02d", i), fmt.Sprintf("v%d", round))
				}
			}
			// Both sides write the same key: the later write wins on both.
			put(t, p.Stores[0], "demo/both", fmt.Sprintf("a%d", round))
			p.Time.Advance(time.Millisecond)
			put(t, p.Stores[1], "demo/both", fmt.Sprintf("b%d", round))
			p.Settle(t)
			require.Equal(t, fmt.Sprintf("b%d", round), Live(t, p.Stores[0])["demo/both"])
		}
		live := Live(t, p.Stores[0])
		require.NotContains(t, live, "demo/k/00")
		require.Equal(t, "v3", live["demo/k/01"])
		require.Equal(t, "v0", live["demo/k/03"])
	})

	t.Run("ColdDifference", func(t *testing.T) {
		p := newPair(t, nil)
		for i := range 200 {
			put(t, p.Stores[0], fmt.Sprintf("demo/c/%03d", i), "v")
			put(t, p.Stores[1], fmt.Sprintf("demo/d/%03d", i), "v")
			p.Time.Advance(2 * time.Second)
		}
		p.Settle(t)
		// Ten minutes later, a difference appears deep in the cold era: a
		// sample from long ago that only one replica received.
		p.Time.Advance(10 * time.Minute)
		old := hlc.Timestamp{Time: hlc.FromTime(Start.Add(90 * time.Second)), ID: hlc.ID{0xc}}
		_, err := p.Stores[1].Apply(ctx, strata.Sample{Key: "demo/c/late", Value: []byte("old"), Timestamp: old, Kind: strata.KindPut})
		require.NoError(t, err)
		p.Counting[0].Reset()
		before := p.Replicas[0].Stats()
		p.Settle(t)
		require.Equal(t, "old", Live(t, p.Stores[0])["demo/c/late"])
		st := p.Replicas[0].Stats()
		require.Equal(t, uint64(1), st.SamplesFetched-before.SamplesFetched, "only the difference is fetched")
		t.Logf("cold difference: %d round trips, %d bytes sent by the puller", p.Counting[0].Counts().RoundTrips, p.Counting[0].Counts().Bytes)
	})

	t.Run("WildcardDelete", func(t *testing.T) {
		p := newPair(t, nil)
		for i := range 5 {
			put(t, p.Stores[0], fmt.Sprintf("demo/w/%d", i), "v")
		}
		put(t, p.Stores[0], "demo/keep", "v")
		p.Settle(t)
		// b takes puts that a has not seen, older than a's wildcard delete
		// (#1689: on a key the delete matches; #2649: on a key a never had).
		older := p.Stores[1].Clock().Now()
		p.Time.Advance(time.Second)
		_, err := p.Stores[0].Delete(ctx, "demo/w/*")
		require.NoError(t, err)
		_, err = p.Stores[1].Apply(ctx, strata.Sample{Key: "demo/w/1", Value: []byte("older"), Timestamp: older, Kind: strata.KindPut})
		require.NoError(t, err)
		_, err = p.Stores[1].Apply(ctx, strata.Sample{Key: "demo/w/new", Value: []byte("older"), Timestamp: older, Kind: strata.KindPut})
		require.NoError(t, err)
		p.Time.Advance(time.Second)
		put(t, p.Stores[1], "demo/w/newer", "after the delete")
		p.Settle(t)
		for _, s := range p.Stores {
			require.Equal(t, map[string]string{"demo/keep": "v", "demo/w/newer": "after the delete"}, Live(t, s))
			require.Len(t, s.WildcardDeletes(), 1)
		}
		// Once more, with nothing left to do.
		p.Settle(t)
	})

	t.Run("Push", func(t *testing.T) {
		p := newPair(t, nil)
		a, b := p.Replicas[0], p.Replicas[1]
		put(t, p.Stores[0], "demo/p/1", "one")
		put(t, p.Stores[0], "demo/p/2", "two")
		require.NoError(t, a.Push(ctx))
		require.Equal(t, map[string]string{"demo/p/1": "one", "demo/p/2": "two"}, Live(t, p.Stores[1]), "pushed: no digest needed")
		require.NoError(t, b.Push(ctx))
		require.Zero(t, b.Stats().SamplesPushed, "what b received is not pushed back")
		_, err := p.Stores[1].Delete(ctx, "demo/p/*")
		require.NoError(t, err)
		put(t, p.Stores[1], "demo/p/3", "three")
		require.NoError(t, b.Push(ctx))
		require.Equal(t, map[string]string{"demo/p/3": "three"}, Live(t, p.Stores[0]))
		require.Len(t, p.Stores[0].WildcardDeletes(), 1)
		require.NoError(t, a.Push(ctx))
		require.Equal(t, uint64(2), a.Stats().SamplesPushed)
		// The digests agree: the next alignments fetch nothing.
		p.Settle(t)
		require.Zero(t, a.Stats().SamplesFetched+b.Stats().SamplesFetched)
	})

	t.Run("LargeValues", func(t *testing.T) {
		p := newPair(t, nil)
		big := make([]byte, 3*antientropy.DefaultMaxMessageSize+5)
		for i := range big {
			big[i] = byte(i * 7)
		}
		put(t, p.Stores[0], "demo/big", string(big))
		put(t, p.Stores[0], "demo/empty", "")
		p.Settle(t) // b is new: pulls, and fetches the value in chunks
		big[0]++
		put(t, p.Stores[0], "demo/big", string(big))
		p.Settle(t) // b explores, and fetches the new value in chunks
		require.Equal(t, string(big), Live(t, p.Stores[1])["demo/big"])
		st := p.Replicas[1].Stats()
		require.Equal(t, uint64(2*len(big)), st.ChunkBytes, "each byte once")
		require.Zero(t, st.TooLarge)
	})

	t.Run("ConfigMismatch", func(t *testing.T) {
		ft := NewFakeTime()
		a := open(t, 0, &strata.Options{KeyExpr: KeyExpr, Clock: ft.Clock(0xa, 0)})
		b := open(t, 1, &strata.Options{KeyExpr: KeyExpr, Clock: ft.Clock(0xb, 0)})
		pa := NewPair(t, ft, a, b, nil)
		// A third replica of b's store with another interval.
		c, err := antientropy.New(b, pa.Counting[1], &antientropy.Options{ID: "c", Interval: 20 * time.Second})
		require.NoError(t, err)
		defer c.Close()
		put(t, a, "demo/x", "v")
		pa.Elapse()
		err = c.AlignWith(ctx, Names[0])
		require.True(t, errors.Is(err, antientropy.ErrConfigMismatch), "got %v", err)
		require.Equal(t, uint64(1), c.Stats().ConfigMismatches)
		require.Equal(t, uint64(1), pa.Replicas[0].Stats().ConfigMismatches, "the peer says so too")
		require.Zero(t, c.Stats().SamplesFetched)
	})
}
