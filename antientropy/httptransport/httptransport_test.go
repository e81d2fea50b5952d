// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"context"
	"errors"
	"fmt"
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

func open(t *testing.T, ft *antientropytest.FakeTime, id byte) *strata.Store {
	s, err := strata.Open(context.Background(), memory.New(), &strata.Options{KeyExpr: "h/**", Clock: ft.Clock(id, 0), GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// lateHandler lets a server start before its replica exists.
type lateHandler struct{ h *httptransport.Handler }

func TestHTTPReplication(t *testing.T) {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime()
	stores := []*strata.Store{open(t, ft, 1), open(t, ft, 2)}
	names := []string{"one", "two"}
	handlers := make([]*lateHandler, 2)
	servers := make([]*httptest.Server, 2)
	for i := range servers {
		handlers[i] = &lateHandler{}
		mux := httptestMux(handlers[i])
		servers[i] = httptest.NewServer(mux)
		t.Cleanup(servers[i].Close)
	}
	replicas := make([]*antientropy.Replica, 2)
	for i := range replicas {
		peer := 1 - i
		client := httptransport.NewClient(names[i], map[string]string{names[peer]: servers[peer].URL + "/replication/"}, servers[peer].Client(), 0)
		r, err := antientropy.New(stores[i], client, &antientropy.Options{ID: names[i]})
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		handlers[i].h = httptransport.NewHandler(r, nil)
		replicas[i] = r
	}
	for i := range 300 {
		_, err := stores[i%2].Put(ctx, fmt.Sprintf("h/k/%03d", i), []byte(fmt.Sprint("value ", i)))
		require.NoError(t, err)
	}
	_, err := stores[0].Delete(ctx, "h/k/000")
	require.NoError(t, err)
	ft.Advance(11 * time.Second)

	require.NoError(t, replicas[0].AlignWith(ctx, "two"))
	require.NoError(t, replicas[1].AlignWith(ctx, "one"))
	antientropytest.RequireSameState(t, stores[0], stores[1])
	require.Len(t, antientropytest.Live(t, stores[1]), 299)

	// A digest broadcast over HTTP makes the peer pull in the background.
	_, err = stores[0].Put(ctx, "h/late", []byte("x"))
	require.NoError(t, err)
	ft.Advance(11 * time.Second)
	require.NoError(t, replicas[0].Publish(ctx))
	require.Eventually(t, func() bool { return antientropytest.Live(t, stores[1])["h/late"] == "x" }, 10*time.Second, 10*time.Millisecond)

	_, err = (httptransport.NewClient("x", nil, nil, 0)).Request(ctx, "nobody", nil)
	require.Error(t, err)
}

func TestHTTPConfigMismatch(t *testing.T) {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime()
	a, b := open(t, ft, 1), open(t, ft, 2)
	lh := &lateHandler{}
	srv := httptest.NewServer(httptestMux(lh))
	defer srv.Close()
	rb, err := antientropy.New(b, httptransport.NewClient("b", nil, nil, 0), &antientropy.Options{ID: "b", Interval: 20 * time.Second})
	require.NoError(t, err)
	defer rb.Close()
	lh.h = httptransport.NewHandler(rb, nil)
	ra, err := antientropy.New(a, httptransport.NewClient("a", map[string]string{"b": srv.URL + "/replication"}, nil, 0), &antientropy.Options{ID: "a"})
	require.NoError(t, err)
	defer ra.Close()
	err = ra.AlignWith(ctx, "b")
	require.True(t, errors.Is(err, antientropy.ErrConfigMismatch), "got %v", err)
	require.Equal(t, uint64(1), ra.Stats().ConfigMismatches)
}
