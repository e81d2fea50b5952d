// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
)

func randomValue(seed uint64, n int) []byte {
	v := make([]byte, n)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := 0; i+8 <= n; i += 8 {
		x := rng.Uint64()
		for j := range 8 {
			v[i+j] = byte(x >> (8 * j))
		}
	}
	return v
}

// newLargePair is a pair of fresh memory stores, replicas with the given
// message limit and push off.
func newLargePair(t testing.TB, limit int) *antientropytest.Pair {
	ft, a, b := memoryStores(t, "big/**")
	return antientropytest.NewPair(t, ft, a, b, &antientropy.Options{MaxMessageSize: limit, DisablePush: true, Logger: slog.New(slog.DiscardHandler)})
}

// Values of 0 bytes, exactly one message, one byte more and many
// messages replicate, by pull (a new replica), by fetch (a replica that
// explores) and by push; only those beyond one message come in chunks.
func TestLargeValues(t *testing.T) {
	const limit = antientropy.MinMessageSize
	for _, path := range []string{"pull", "fetch", "push"} {
		key := "big/v"
		if path == "push" {
			key = "push/v"
		}
		one := antientropy.InlineMax(path, limit, key)
		for _, size := range []int{0, one, one + 1, 10*limit + 7} {
			t.Run(fmt.Sprintf("%s/%d", path, size), func(t *testing.T) {
				ctx := t.Context()
				value := randomValue(uint64(size), size)
				var stores [2]*strata.Store
				var replicas [2]*antientropy.Replica
				if path == "push" {
					m := newMesh(t, 2, antientropy.Options{MaxMessageSize: limit})
					copy(stores[:], m.stores)
					copy(replicas[:], m.replicas)
					_, err := stores[0].Put(ctx, key, value)
					require.NoError(t, err)
					require.NoError(t, replicas[0].Push(ctx))
				} else {
					p := newLargePair(t, limit)
					stores, replicas = p.Stores, p.Replicas
					if path == "fetch" {
						// Something in common, so that b explores and fetches.
						_, err := stores[0].Put(ctx, "big/common", []byte("c"))
						require.NoError(t, err)
						p.Settle(t)
					}
					_, err := stores[0].Put(ctx, key, value)
					require.NoError(t, err)
					p.Settle(t)
				}
				got, ok := antientropytest.Live(t, stores[1])[key]
				require.True(t, ok)
				require.True(t, bytes.Equal(value, []byte(got)))
				st := replicas[1].Stats()
				if size <= one {
					require.Zero(t, st.Chunks, "a value that fits goes whole")
				} else {
					require.Equal(t, uint64(size), st.ChunkBytes, "each byte once")
					require.GreaterOrEqual(t, st.Chunks, uint64(size/limit))
				}
				require.Zero(t, st.TooLarge+replicas[0].Stats().TooLarge)
			})
		}
	}
}

// failChunks fails the chunk requests numbered from..to (counting from 1).
type failChunks struct {
	antientropy.Transport
	n, from, to int64
	calls       atomic.Int64
}

func (f *failChunks) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	if antientropy.IsChunkRequest(msg) {
		if n := f.calls.Add(1); n >= f.from && n <= f.to {
			return nil, memtransport.ErrLost
		}
	}
	return f.Transport.Request(ctx, peer, msg)
}

// An interrupted transfer resumes where it stopped: each byte of the
// value crosses once.
func TestLargeValueResumes(t *testing.T) {
	ctx := t.Context()
	const limit = 64 << 10
	ft, a, b := memoryStores(t, "big/**")
	net := memtransport.New(1)
	epA, epB := net.Join("a"), net.Join("b")
	ra, err := antientropy.New(a, epA, &antientropy.Options{ID: "a", MaxMessageSize: limit})
	require.NoError(t, err)
	defer ra.Close()
	epA.Serve(ra)
	ft2 := &failChunks{Transport: epB, from: 3, to: 6} // every try of the third chunk
	rb, err := antientropy.New(b, ft2, &antientropy.Options{ID: "b", MaxMessageSize: limit})
	require.NoError(t, err)
	defer rb.Close()
	epB.Serve(rb)
	value := randomValue(7, 10*limit)
	_, err = a.Put(ctx, "big/v", value)
	require.NoError(t, err)
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay + 1)
	require.Error(t, rb.AlignWith(ctx, "a"))
	require.Empty(t, antientropytest.Live(t, b))
	st := rb.Stats()
	require.Equal(t, uint64(2), st.Chunks, "two chunks before the failure")
	require.NoError(t, rb.AlignWith(ctx, "a"))
	require.Equal(t, string(value), antientropytest.Live(t, b)["big/v"])
	require.Equal(t, uint64(len(value)), rb.Stats().ChunkBytes, "the transfer resumed: each byte once")
}

// cutChunks truncates the replies to chunk requests while on.
type cutChunks struct {
	antientropy.Transport
	on atomic.Bool
}

func (c *cutChunks) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	reply, err := c.Transport.Request(ctx, peer, msg)
	if err == nil && c.on.Load() && antientropy.IsChunkRequest(msg) {
		reply = reply[:len(reply)-1]
	}
	return reply, err
}

// A chunk reply that does not hold what it says is malformed: the
// alignment stops, and a later one fetches the value whole and right.
func TestLargeValueMalformedChunk(t *testing.T) {
	ctx := t.Context()
	ft, a, b := memoryStores(t, "big/**")
	net := memtransport.New(1)
	epA, epB := net.Join("a"), net.Join("b")
	ra, err := antientropy.New(a, epA, &antientropy.Options{ID: "a", MaxMessageSize: antientropy.MinMessageSize})
	require.NoError(t, err)
	defer ra.Close()
	epA.Serve(ra)
	cut := &cutChunks{Transport: epB}
	cut.on.Store(true)
	rb, err := antientropy.New(b, cut, &antientropy.Options{ID: "b", MaxMessageSize: antientropy.MinMessageSize})
	require.NoError(t, err)
	defer rb.Close()
	epB.Serve(rb)
	value := randomValue(3, 5*antientropy.MinMessageSize)
	_, err = a.Put(ctx, "big/v", value)
	require.NoError(t, err)
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay + 1)
	require.ErrorIs(t, rb.AlignWith(ctx, "a"), antientropy.ErrMalformed)
	require.Equal(t, uint64(1), rb.Stats().Malformed)
	require.Empty(t, antientropytest.Live(t, b))
	cut.on.Store(false)
	require.NoError(t, rb.AlignWith(ctx, "a"))
	require.Equal(t, string(value), antientropytest.Live(t, b)["big/v"])
}

// A peer's value beyond this replica's MaxValueSize is not fetched, and
// counted.
func TestLargeValueBeyondLimit(t *testing.T) {
	ctx := t.Context()
	ft := antientropytest.NewFakeTime()
	a := openMemory(t, 0, &strata.Options{KeyExpr: "big/**", Clock: ft.Clock(1, 0)})
	b := openMemory(t, 1, &strata.Options{KeyExpr: "big/**", Clock: ft.Clock(2, 0), MaxValueSize: 8 << 10})
	p := antientropytest.NewPair(t, ft, a, b, &antientropy.Options{MaxMessageSize: antientropy.MinMessageSize, MaxValueSize: 8 << 10, DisablePush: true})
	_, err := a.Put(ctx, "big/v", make([]byte, 20<<10))
	require.NoError(t, err)
	_, err = a.Put(ctx, "big/w", make([]byte, 6<<10))
	require.NoError(t, err)
	p.Elapse()
	require.NoError(t, p.Replicas[1].AlignWith(ctx, "a"))
	require.Equal(t, map[string]string{"big/w": string(make([]byte, 6<<10))}, antientropytest.Live(t, b))
	require.Equal(t, uint64(1), p.Replicas[1].Stats().TooLarge)
}

// A value of the store's default limit, 64 MiB, replicates in chunks of
// the default message size.
func TestLargeValue64MiB(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB: not with -short")
	}
	ctx := t.Context()
	p := newLargePair(t, 0)
	value := randomValue(64, strata.DefaultMaxValueSize)
	_, err := p.Stores[0].Put(ctx, "big/v", value)
	require.NoError(t, err)
	p.Elapse()
	require.NoError(t, p.Replicas[1].AlignWith(ctx, "a"))
	got := antientropytest.Live(t, p.Stores[1])["big/v"]
	require.True(t, bytes.Equal(value, []byte(got)))
	require.Equal(t, uint64(len(value)), p.Replicas[1].Stats().ChunkBytes)
}
