// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/backend/memory"
)

// BenchmarkPushLatency measures write→visible on both peers of 3
// replicas over HTTP on loopback, with default options (target: p99 ≤
// 50 ms).
func BenchmarkPushLatency(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	names := []string{"one", "two", "three"}
	handlers := make([]*lateHandler, len(names))
	urls := map[string]string{}
	for i, name := range names {
		handlers[i] = &lateHandler{}
		srv := httptest.NewServer(httptestMux(handlers[i]))
		b.Cleanup(srv.Close)
		urls[name] = srv.URL + "/replication/"
	}
	stores := make([]*strata.Store, len(names))
	for i, name := range names {
		s, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "h/**", GCInterval: -1})
		require.NoError(b, err)
		b.Cleanup(func() { _ = s.Close(context.Background()) })
		peers := map[string]string{}
		for _, other := range names {
			if other != name {
				peers[other] = urls[other]
			}
		}
		client := httptransport.NewClient(name, peers, nil, 0)
		b.Cleanup(func() { _ = client.Close() })
		r, err := antientropy.New(s, client, &antientropy.Options{ID: name, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(b, err)
		b.Cleanup(func() { _ = r.Close() })
		handlers[i].h = httptransport.NewHandler(r, nil)
		go func() { _ = r.Run(ctx) }()
		stores[i] = s
	}
	antientropytest.MeasurePushLatency(b, stores[0], stores[1:], "h/k")
}
