// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
)

// mesh is n replicas of "push/**" on one fake time, all connected.
type mesh struct {
	ft       *antientropytest.FakeTime
	net      *memtransport.Network
	stores   []*strata.Store
	replicas []*antientropy.Replica
}

func newMesh(t testing.TB, n int, opts antientropy.Options) *mesh {
	m := &mesh{ft: antientropytest.NewFakeTime(), net: memtransport.New(1)}
	for i := range n {
		s := openMemory(t, i, &strata.Options{KeyExpr: "push/**", Clock: m.ft.Clock(byte(i+1), 0)})
		ep := m.net.Join(fmt.Sprint("r", i))
		o := opts
		o.ID = ep.ID()
		r, err := antientropy.New(s, ep, &o)
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		ep.Serve(r)
		m.stores, m.replicas = append(m.stores, s), append(m.replicas, r)
	}
	return m
}

// pushAll lets every replica push what it has queued.
func (m *mesh) pushAll(t testing.TB) {
	for _, r := range m.replicas {
		require.NoError(t, r.Push(t.Context()))
	}
}

// A write reaches every peer by push, without any digest; what a replica
// received is not pushed again; deletes and wildcard deletes go too.
func TestPushReachesPeers(t *testing.T) {
	ctx := t.Context()
	m := newMesh(t, 3, antientropy.Options{})
	ts, err := m.stores[0].PutEncoded(ctx, "push/a", []byte("1"), "text/plain")
	require.NoError(t, err)
	_, err = m.stores[1].Put(ctx, "push/b/x", []byte("2"))
	require.NoError(t, err)
	_, err = m.stores[1].Put(ctx, "push/b/y", []byte("3"))
	require.NoError(t, err)
	m.pushAll(t)
	m.pushAll(t) // nothing left: what was received is not queued
	for i, s := range m.stores {
		smp := lookup(t, s, "push/a")
		require.Equal(t, ts, smp.Timestamp, "replica %d", i)
		require.Equal(t, "text/plain", smp.Encoding)
		require.Len(t, antientropytest.Live(t, s), 3)
	}
	st := m.replicas[2].Stats()
	require.Zero(t, st.PushesSent, "replica 2 wrote nothing and pushed nothing")
	require.Equal(t, uint64(3), st.SamplesPushedIn)
	require.Equal(t, uint64(2), st.PushesReceived)
	require.Equal(t, uint64(1), m.replicas[0].Stats().SamplesPushed)
	require.Equal(t, uint64(2), m.replicas[1].Stats().SamplesPushed)

	_, err = m.stores[2].Delete(ctx, "push/b/*")
	require.NoError(t, err)
	_, err = m.stores[2].Delete(ctx, "push/a")
	require.NoError(t, err)
	m.pushAll(t)
	require.Equal(t, uint64(2), m.replicas[2].Stats().SamplesPushed, "a wildcard delete goes without its tombstones")
	for _, s := range m.stores {
		require.Empty(t, antientropytest.Live(t, s))
	}
	for _, s := range m.stores[1:] {
		antientropytest.RequireSameState(t, m.stores[0], s)
	}
	// Pushed samples are in the logs: the digests agree, nothing to fetch.
	m.ft.Advance(antientropy.DefaultInterval + time.Second)
	for _, r := range m.replicas {
		require.NoError(t, r.Publish(ctx))
	}
	for _, r := range m.replicas {
		require.Zero(t, r.Stats().SamplesFetched)
		require.Zero(t, r.Stats().Alignments, "digests that agree start no alignment")
	}
}

func TestPushDisabled(t *testing.T) {
	ctx := t.Context()
	m := newMesh(t, 2, antientropy.Options{DisablePush: true})
	_, err := m.stores[0].Put(ctx, "push/a", []byte("1"))
	require.NoError(t, err)
	m.pushAll(t)
	require.Empty(t, antientropytest.Live(t, m.stores[1]))
	require.Zero(t, m.replicas[0].Stats().PushesSent)
}

// Writes beyond the push buffer are dropped, counted, and repaired by the
// next alignment; the writes themselves succeed.
func TestPushBufferFull(t *testing.T) {
	ctx := t.Context()
	m := newMesh(t, 2, antientropy.Options{MaxMessageSize: antientropy.MinMessageSize})
	value := strings.Repeat("v", 1000)
	for i := range 100 {
		_, err := m.stores[0].Put(ctx, fmt.Sprintf("push/k%03d", i), []byte(value))
		require.NoError(t, err)
	}
	st := m.replicas[0].Stats()
	require.NotZero(t, st.PushDropped)
	m.pushAll(t)
	require.Less(t, len(antientropytest.Live(t, m.stores[1])), 100)
	m.ft.Advance(antientropy.DefaultInterval + time.Second)
	require.NoError(t, m.replicas[0].Publish(ctx))
	antientropytest.RequireSameState(t, m.stores[0], m.stores[1])
	require.Len(t, antientropytest.Live(t, m.stores[1]), 100)
}

// A sample queued before a peer announced a smaller message limit, and
// too large for it, is not pushed, nor does it hold up the others.
func TestPushPeerLimit(t *testing.T) {
	ctx := t.Context()
	m := newMesh(t, 2, antientropy.Options{MaxMessageSize: 64 << 10})
	small := openMemory(t, 2, &strata.Options{KeyExpr: "push/**", Clock: m.ft.Clock(3, 0)})
	ep := m.net.Join("small")
	rs, err := antientropy.New(small, ep, &antientropy.Options{ID: "small", MaxMessageSize: antientropy.MinMessageSize})
	require.NoError(t, err)
	defer rs.Close()
	ep.Serve(rs)
	_, err = m.stores[0].Put(ctx, "push/"+strings.Repeat("k", 4000), []byte("long key"))
	require.NoError(t, err)
	_, err = m.stores[0].Put(ctx, "push/short", []byte("v"))
	require.NoError(t, err)
	m.ft.Advance(antientropy.DefaultInterval + time.Second)
	require.NoError(t, rs.Publish(ctx)) // r0 learns the smaller limit
	require.NoError(t, m.replicas[0].Push(ctx))
	require.Equal(t, map[string]string{"push/short": "v"}, antientropytest.Live(t, small))
	require.Equal(t, uint64(1), m.replicas[0].Stats().PushTooLarge)
}

// A push goes only to peers of the same configuration; a malformed one is
// refused whole.
func TestPushRefused(t *testing.T) {
	ctx := t.Context()
	m := newMesh(t, 2, antientropy.Options{})
	other := openMemory(t, 2, &strata.Options{KeyExpr: "push/**", Clock: m.ft.Clock(3, 0)})
	ep := m.net.Join("odd")
	r, err := antientropy.New(other, ep, &antientropy.Options{ID: "odd", Secret: []byte("0123456789abcdef")})
	require.NoError(t, err)
	defer r.Close()
	ep.Serve(r)
	_, err = m.stores[0].Put(ctx, "push/a", []byte("1"))
	require.NoError(t, err)
	m.pushAll(t)
	require.Len(t, antientropytest.Live(t, m.stores[1]), 1)
	require.Empty(t, antientropytest.Live(t, other))
	require.Equal(t, uint64(1), r.Stats().ConfigMismatches)

	var captured []byte
	m.net.SetFaults(memtransport.Faults{Drop: func(_, _ string, msg []byte) bool {
		if antientropy.IsPush(msg) {
			captured = append([]byte(nil), msg...)
		}
		return false
	}})
	_, err = m.stores[0].Put(ctx, "push/b", []byte("2"))
	require.NoError(t, err)
	m.pushAll(t)
	require.NotNil(t, captured)
	for cut := 1; cut < len(captured); cut++ {
		require.ErrorIs(t, m.replicas[1].HandleBroadcast(ctx, "r0", captured[:cut]), antientropy.ErrMalformed, "cut at %d", cut)
	}
	require.ErrorIs(t, m.replicas[1].HandleBroadcast(ctx, "r0", append(captured, 0)), antientropy.ErrMalformed)
}

// A push from a replica whose clock runs too far ahead is refused by the
// store's drift check, and counted; alignment brings it once the clocks
// agree.
func TestPushDrift(t *testing.T) {
	ctx := t.Context()
	ft := antientropytest.NewFakeTime()
	net := memtransport.New(1)
	var stores []*strata.Store
	var replicas []*antientropy.Replica
	for i, skew := range []time.Duration{2 * time.Second, 0} {
		s := openMemory(t, i, &strata.Options{KeyExpr: "push/**", Clock: ft.Clock(byte(i+1), skew)})
		ep := net.Join(fmt.Sprint("r", i))
		r, err := antientropy.New(s, ep, &antientropy.Options{ID: ep.ID()})
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		ep.Serve(r)
		stores, replicas = append(stores, s), append(replicas, r)
	}
	_, err := stores[0].Put(ctx, "push/ahead", []byte("x"))
	require.NoError(t, err)
	require.NoError(t, replicas[0].Push(ctx))
	require.Empty(t, antientropytest.Live(t, stores[1]))
	st := replicas[1].Stats()
	require.Equal(t, uint64(1), st.SamplesPushedIn)
	require.Equal(t, uint64(1), st.Refused)
}

// With 30 % of pushes lost, every write reaches every replica within two
// digest periods: the pushes that arrive make it visible at once, the
// next digest repairs the others.
func TestPushLossRepaired(t *testing.T) {
	for seed := range uint64(seedCount(2, 6)) {
		s := newSim(t, seed, 3)
		lose := rand.New(rand.NewPCG(seed, 77))
		s.net.SetFaults(memtransport.Faults{Drop: func(_, _ string, msg []byte) bool {
			return antientropy.IsPush(msg) && lose.Float64() < 0.3
		}})
		var pending []write
		worst, immediate, writes := 0.0, 0, 0
		steps := 300
		for st := 0; st < steps+3*int(simOptions.Interval/simStep); st++ {
			if st < steps {
				// Keys of their own, so that no write hides behind a
				// later one: a put, or a delete (a tombstone).
				k := s.rng.IntN(len(s.reps))
				w := write{key: fmt.Sprintf("sim/w%d", st), at: s.ft.Now()}
				var err error
				if s.rng.IntN(5) == 0 {
					w.ts, err = s.reps[k].store.Delete(s.ctx, w.key)
				} else {
					w.ts, err = s.reps[k].store.Put(s.ctx, w.key, []byte(w.key))
				}
				require.NoError(t, err)
				pending = append(pending, w)
				writes++
				require.NoError(t, s.reps[k].replica.Push(s.ctx))
			}
			kept := pending[:0]
			for _, w := range pending {
				if s.holders(t, w) < len(s.reps) {
					kept = append(kept, w)
					continue
				}
				periods := float64(s.ft.Now().Sub(w.at)) / float64(simOptions.Interval)
				if periods == 0 {
					immediate++
				}
				worst = math.Max(worst, periods)
			}
			pending = kept
			s.step()
		}
		t.Logf("seed %d: %d writes, %d visible everywhere at once, worst %.2f periods", seed, writes, immediate, worst)
		require.Empty(t, pending, "writes never visible everywhere")
		require.LessOrEqual(t, worst, 2.0, "digest periods until a write is visible everywhere")
		require.Less(t, immediate, writes, "some pushes were lost")
		require.Greater(t, immediate, writes/4, "most writes arrive by push")
	}
}

// lookup returns the sample s holds for key, tombstones included.
func lookup(t testing.TB, s *strata.Store, key string) strata.Sample {
	t.Helper()
	for smp, err := range s.Scan(context.Background(), key, &strata.ScanOptions{Tombstones: true}) {
		require.NoError(t, err)
		return smp
	}
	t.Fatalf("%s: not found", key)
	return strata.Sample{}
}
