// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/natstransport"
	"github.com/stratakv/strata/backend/memory"
)

// Three replicas through one NATS server converge, by digests broadcast
// on the space's subject and pulls by request-reply.
func TestThreeReplicasOneServer(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t)
	ft := antientropytest.NewFakeTime()
	names := []string{"east", "west", "north"}
	nodes := make([]*node, 3)
	for i, name := range names {
		nodes[i] = newNode(t, ft, byte(i+1), name, connect(t, srv), 0, nil)
	}
	require.Equal(t, 1<<20-1<<10, nodes[0].t.MaxMessageSize()) // the default max payload, less room for headers
	for i := range 300 {
		n := nodes[i%3]
		_, err := n.store.Put(ctx, fmt.Sprintf("h/k/%03d", i%250), []byte(fmt.Sprint("value ", i)))
		require.NoError(t, err)
	}
	_, err := nodes[2].store.Delete(ctx, "h/k/01$*")
	require.NoError(t, err)
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay)

	require.Eventually(t, func() bool {
		for _, n := range nodes {
			require.NoError(t, n.replica.Publish(ctx))
		}
		return converged(t, nodes)
	}, testWait, 100*time.Millisecond)
	require.Len(t, antientropytest.Live(t, nodes[0].store), 240)
	for _, n := range nodes {
		st := n.t.Stats()
		require.NotZero(t, st.Broadcasts)
		require.NotZero(t, st.Requests)
	}

	_, err = nodes[0].t.Request(ctx, "nobody", []byte("x"))
	require.ErrorIs(t, err, natstransport.ErrNoPeer)
}

func TestConfigMismatchAndValidation(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t)
	ft := antientropytest.NewFakeTime()
	a := newNode(t, ft, 1, "a", connect(t, srv), 0, nil)

	nc := connect(t, srv)
	s, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "h/**", Clock: ft.Clock(2, 0)})
	require.NoError(t, err)
	defer s.Close(ctx)
	tb, err := natstransport.New(nc, "b", &natstransport.Options{Space: natstransport.SpaceFor("h/**")})
	require.NoError(t, err)
	rb, err := antientropy.New(s, tb, &antientropy.Options{ID: "b", Interval: 20 * time.Second})
	require.NoError(t, err)
	defer rb.Close()
	require.NoError(t, tb.Serve(rb))
	defer tb.Close()
	require.Error(t, tb.Serve(rb))

	require.ErrorIs(t, a.replica.AlignWith(ctx, "b"), antientropy.ErrConfigMismatch)
	reply, err := tb.Request(ctx, "a", []byte("not a message"))
	require.ErrorIs(t, err, antientropy.ErrMalformed, "reply %q", reply)

	require.Equal(t, "h/%2A%2A", natstransport.SpaceFor("h/**"))
	require.Equal(t, "a%2Eb%3E%20%25", natstransport.SpaceFor("a.b> %"))
	for _, o := range []natstransport.Options{{}, {Space: "a.b"}, {Space: "x", Prefix: "a..b"}, {Space: "x", Prefix: "a.*"}} {
		_, err := natstransport.New(nc, "c", &o)
		require.Error(t, err, "%+v", o)
	}
	_, err = natstransport.New(nc, "", &natstransport.Options{Space: "x"})
	require.Error(t, err)
	_, err = natstransport.New((*nats.Conn)(nil), "c", &natstransport.Options{Space: "x"})
	require.Error(t, err)
}
