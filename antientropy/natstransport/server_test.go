// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/natstransport"
	"github.com/stratakv/strata/backend/memory"
)

// Generous bounds for things that happen at once on an idle machine; the
// tests assert what happens, never how fast.
const (
	testWait = 60 * time.Second
	tick     = 10 * time.Millisecond
)

// natsServer is an in-process NATS server on loopback that can be
// stopped and started again on the same ports.
type natsServer struct {
	opts *server.Options
	srv  *server.Server
}

// startServer starts a server; with routes, it joins their cluster.
func startServer(t *testing.T, routes ...*natsServer) *natsServer {
	opts := &server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		Cluster: server.ClusterOpts{Name: "strata", Host: "127.0.0.1", Port: -1}}
	for _, r := range routes {
		opts.Routes = append(opts.Routes, &url.URL{Scheme: "nats", Host: r.srv.ClusterAddr().String()})
	}
	s := &natsServer{opts: opts}
	s.start(t)
	// Keep the ports for a restart.
	s.opts.Port = s.srv.Addr().(*net.TCPAddr).Port
	s.opts.Cluster.Port = s.srv.ClusterAddr().Port
	t.Cleanup(s.stop)
	return s
}

func (s *natsServer) start(t *testing.T) {
	srv, err := server.NewServer(s.opts.Clone())
	require.NoError(t, err)
	srv.Start()
	require.True(t, srv.ReadyForConnections(testWait), "NATS server not ready")
	s.srv = srv
}

func (s *natsServer) stop() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
}

func (s *natsServer) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.opts.Port) }

// connect connects to s, and only s (not to the other servers of its
// cluster that it learns of), reconnecting for ever.
func connect(t *testing.T, s *natsServer) *nats.Conn {
	// The client calls its handlers from a goroutine of its own, also
	// after Close returns: they log only while the test runs.
	var ended atomic.Bool
	logf := func(format string, args ...any) {
		if !ended.Load() {
			t.Logf(format, args...)
		}
	}
	nc, err := nats.Connect(s.url(), nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond), nats.Timeout(5*time.Second),
		nats.IgnoreDiscoveredServers(),
		nats.DisconnectErrHandler(func(c *nats.Conn, err error) { logf("connection to %s lost: %v", s.url(), err) }),
		nats.ReconnectHandler(func(c *nats.Conn) { logf("connection to %s restored", c.ConnectedUrl()) }))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	t.Cleanup(func() { ended.Store(true) }) // runs before nc.Close
	return nc
}

// waitMesh waits until every connection reaches every other through the
// servers (the cluster's routes and interest have formed).
func waitMesh(t *testing.T, conns ...*nats.Conn) {
	for i, nc := range conns {
		sub, err := nc.Subscribe(fmt.Sprint("ping.", i), func(m *nats.Msg) { _ = m.Respond(nil) })
		require.NoError(t, err)
		defer sub.Unsubscribe()
		require.NoError(t, nc.Flush())
	}
	for i := range conns {
		for j, nc := range conns {
			require.Eventually(t, func() bool {
				_, err := nc.Request(fmt.Sprint("ping.", i), nil, time.Second)
				return err == nil
			}, testWait, tick, "%d does not reach %d", j, i)
		}
	}
}

// node is one replica over NATS.
type node struct {
	store   *strata.Store
	t       *natstransport.Transport
	replica *antientropy.Replica
}

// newNode opens a store on memory and a replica named name over nc;
// wrap, if not nil, wraps the transport that the replica uses.
func newNode(t *testing.T, ft *antientropytest.FakeTime, id byte, name string, nc *nats.Conn, maxMsg int,
	wrap func(antientropy.Transport) antientropy.Transport) *node {
	s, err := strata.Open(context.Background(), memory.New(), &strata.Options{KeyExpr: "h/**", Clock: ft.Clock(id, 0), GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	tr, err := natstransport.New(nc, name, &natstransport.Options{Space: natstransport.SpaceFor("h/**"), RequestTimeout: 5 * time.Second})
	require.NoError(t, err)
	if maxMsg == 0 {
		maxMsg = tr.MaxMessageSize()
	}
	var at antientropy.Transport = tr
	if wrap != nil {
		at = wrap(tr)
	}
	r, err := antientropy.New(s, at, &antientropy.Options{ID: name, MaxMessageSize: maxMsg})
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	require.NoError(t, tr.Serve(r))
	t.Cleanup(func() { _ = tr.Close() })
	return &node{store: s, t: tr, replica: r}
}

// converged reports whether every node holds the same state as the first.
func converged(t *testing.T, nodes []*node) bool {
	want := antientropytest.State(t, nodes[0].store)
	for _, n := range nodes[1:] {
		if len(antientropytest.State(t, n.store)) != len(want) {
			return false
		}
		for k, v := range antientropytest.State(t, n.store) {
			if want[k] != v {
				return false
			}
		}
	}
	return true
}
