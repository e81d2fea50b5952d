// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/natstransport"
	"github.com/stratakv/strata/backend/memory"
)

// BenchmarkPushLatency measures write→visible on both peers of 3
// replicas through one NATS server on loopback, with default options.
func BenchmarkPushLatency(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	require.NoError(b, err)
	srv.Start()
	b.Cleanup(srv.Shutdown)
	require.True(b, srv.ReadyForConnections(testWait))
	var stores []*strata.Store
	for _, name := range []string{"one", "two", "three"} {
		nc, err := nats.Connect(srv.ClientURL())
		require.NoError(b, err)
		b.Cleanup(nc.Close)
		s, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "h/**", GCInterval: -1})
		require.NoError(b, err)
		b.Cleanup(func() { _ = s.Close(context.Background()) })
		tr, err := natstransport.New(nc, name, &natstransport.Options{Space: natstransport.SpaceFor("h/**")})
		require.NoError(b, err)
		b.Cleanup(func() { _ = tr.Close() })
		r, err := antientropy.New(s, tr, &antientropy.Options{ID: name, MaxMessageSize: tr.MaxMessageSize(), Logger: slog.New(slog.DiscardHandler)})
		require.NoError(b, err)
		b.Cleanup(func() { _ = r.Close() })
		require.NoError(b, tr.Serve(r))
		go func() { _ = r.Run(ctx) }()
		stores = append(stores, s)
	}
	antientropytest.MeasurePushLatency(b, stores[0], stores[1:], "h/k")
}
