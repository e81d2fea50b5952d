// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package integration

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/backend/memory"
)

// lateHandler lets a server start before its replica exists.
type lateHandler struct{ h http.Handler }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { l.h.ServeHTTP(w, r) }

// Three replicas over HTTP, messages signed with a shared secret, on a
// fake clock that never reaches a digest: writes, deletes and a value of
// a few messages reach every peer by push alone, once each.
func TestPushOverHTTP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	secret := []byte("a secret of the three replicas")
	ft := antientropytest.NewFakeTime()
	names := []string{"one", "two", "three"}
	handlers := make([]*lateHandler, len(names))
	urls := map[string]string{}
	for i, name := range names {
		handlers[i] = &lateHandler{}
		srv := httptest.NewServer(handlers[i])
		t.Cleanup(srv.Close)
		urls[name] = srv.URL
	}
	stores := make([]*strata.Store, len(names))
	replicas := make([]*antientropy.Replica, len(names))
	for i, name := range names {
		s, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "live/**", Clock: ft.Clock(byte(i+1), 0), GCInterval: -1})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close(context.Background()) })
		peers := map[string]string{}
		for _, other := range names {
			if other != name {
				peers[other] = urls[other]
			}
		}
		client, err := httptransport.NewClientWithOptions(name, peers, &httptransport.ClientOptions{Secret: secret})
		require.NoError(t, err)
		t.Cleanup(func() { _ = client.Close() })
		r, err := antientropy.New(s, client, &antientropy.Options{ID: name, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		handlers[i].h = httptransport.NewHandler(r, &httptransport.HandlerOptions{Secret: secret})
		go func() { _ = r.Run(ctx) }()
		stores[i], replicas[i] = s, r
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), antientropy.DefaultMaxMessageSize/16*2+100)
	for i := range 30 {
		_, err := stores[i%3].Put(ctx, fmt.Sprintf("live/k%02d", i), []byte(fmt.Sprint("v", i)))
		require.NoError(t, err)
	}
	_, err := stores[1].Delete(ctx, "live/k0$*")
	require.NoError(t, err)
	_, err = stores[2].Put(ctx, "live/big", big)
	require.NoError(t, err)
	const want = 21 // k10 to k29, and big
	require.Eventually(t, func() bool {
		for _, s := range stores {
			if len(antientropytest.Live(t, s)) != want {
				return false
			}
		}
		return true
	}, 20*time.Second, 10*time.Millisecond)
	for _, s := range stores {
		antientropytest.RequireSameState(t, stores[2], s)
	}
	var pushed, chunkBytes uint64
	for _, r := range replicas {
		st := r.Stats()
		pushed += st.SamplesPushed
		chunkBytes += st.ChunkBytes
		require.Zero(t, st.DigestsSent, "no digest: the time never moved")
	}
	require.Equal(t, uint64(32), pushed, "each write pushed once, by its writer (the wildcard delete without its tombstones)")
	require.Equal(t, uint64(2*len(big)), chunkBytes, "the large value fetched once by each peer")
}
