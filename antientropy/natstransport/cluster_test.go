// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
)

// tripwire is a Transport that calls fire once, in the call, when the
// n-th request starts.
type tripwire struct {
	antientropy.Transport
	n     int64
	count atomic.Int64
	once  sync.Once
	fire  func()
	fired atomic.Bool
}

func (w *tripwire) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	if w.count.Add(1) == w.n {
		w.once.Do(func() { w.fire(); w.fired.Store(true) })
	}
	return w.Transport.Request(ctx, peer, msg)
}

// Three replicas, each on its own server of a three-node NATS cluster. A
// new replica pulls a thousand samples from another; its server is
// stopped in the middle of the transfer and started again. Everything
// converges and nothing is lost.
func TestClusterServerStoppedDuringAlignment(t *testing.T) {
	ctx := context.Background()
	s1 := startServer(t)
	s2 := startServer(t, s1)
	s3 := startServer(t, s1, s2)
	servers := []*natsServer{s1, s2, s3}
	conns := []*nats.Conn{connect(t, s1), connect(t, s2), connect(t, s3)}
	waitMesh(t, conns...)

	ft := antientropytest.NewFakeTime()
	const maxMsg = 8 << 10 // small messages: a transfer of many round trips
	wire := &tripwire{n: 4}
	wire.fire = func() { servers[1].stop() } // west's own server, under west's alignment
	nodes := []*node{
		newNode(t, ft, 1, "east", conns[0], maxMsg, nil),
		newNode(t, ft, 2, "west", conns[1], maxMsg, func(tr antientropy.Transport) antientropy.Transport {
			wire.Transport = tr
			return wire
		}),
		newNode(t, ft, 3, "north", conns[2], maxMsg, nil),
	}
	const keys = 1200
	value := strings.Repeat("v", 100)
	for i := range keys {
		_, err := nodes[0].store.Put(ctx, fmt.Sprintf("h/k/%05d", i), []byte(value))
		require.NoError(t, err)
	}
	_, err := nodes[2].store.Put(ctx, "h/north", []byte("n"))
	require.NoError(t, err)
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay)

	// West pulls from east by itself, so that the stop lands in its transfer.
	err = nodes[1].replica.AlignWith(ctx, "east")
	require.True(t, wire.fired.Load(), "the server was not stopped during the alignment")
	fetched := nodes[1].replica.Stats().SamplesFetched
	require.Less(t, fetched, uint64(keys), "the alignment finished despite the stop (err %v)", err)
	t.Logf("west fetched %d of %d samples before the stop; alignment: %v", fetched, keys, err)

	servers[1].start(t)
	waitMesh(t, conns...)
	require.Eventually(t, func() bool {
		for _, n := range nodes {
			require.NoError(t, n.replica.Publish(ctx))
		}
		return converged(t, nodes)
	}, testWait, 500*time.Millisecond)
	require.Len(t, antientropytest.Live(t, nodes[1].store), keys+1)
}
