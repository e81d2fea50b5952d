// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc/hlctest"
	"github.com/stratakv/strata/rest"
)

// TestReplicationOverHTTP runs two routers that replicate over their own
// /@strata/replication/ endpoints, on a fake clock, aligning by hand; the
// replicas' fingerprints are keyed with the shared secret.
func TestReplicationOverHTTP(t *testing.T) {
	ctx := context.Background()
	ft := hlctest.NewTime()
	secret := []byte("0123456789abcdef0123456789abcdef")
	names := []string{"east", "west"}
	servers := make([]*httptest.Server, 2)
	clients := make([]*httptransport.Client, 2)
	replicas := make([]*antientropy.Replica, 2)
	for i, name := range names {
		store, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**", Clock: ft.Clock(byte(i+1), 0),
			GCInterval: -1, Logger: quiet})
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close(ctx) })
		clients[i], err = httptransport.NewClientWithOptions(name, nil, &httptransport.ClientOptions{Secret: secret, Logger: quiet})
		require.NoError(t, err)
		t.Cleanup(func() { _ = clients[i].Close() })
		r, err := antientropy.New(store, clients[i], &antientropy.Options{ID: name, Logger: quiet, Secret: secret})
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		replicas[i] = r
		repl := httptransport.NewHandler(r, &httptransport.HandlerOptions{Secret: secret, Context: t.Context(), Logger: quiet})
		servers[i] = httptest.NewServer(newRouter(store, rest.NewHandler(store, &rest.Options{Logger: quiet}), r, repl))
		t.Cleanup(servers[i].Close)
	}
	for i := range names {
		clients[i].SetPeer(names[1-i], servers[1-i].URL+replicationPath)
	}
	east, west := servers[0].URL, servers[1].URL

	code, _ := request(t, "PUT", east+"/demo/robot/1", "moving")
	require.Equal(t, http.StatusOK, code)
	request(t, "PUT", east+"/demo/robot/2", "docked")
	request(t, "PUT", west+"/demo/dock/1", "free")
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay)

	require.NoError(t, replicas[1].AlignWith(ctx, "east"))
	code, body := request(t, "GET", west+"/demo/robot/1?_raw", "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "moving", body)

	// A wildcard delete on west reaches east.
	code, _ = request(t, "DELETE", west+"/demo/robot/**", "")
	require.Equal(t, http.StatusOK, code)
	ft.Advance(antientropy.DefaultInterval)
	require.NoError(t, replicas[0].AlignWith(ctx, "west"))
	eastAll, westAll := getItems(t, east+"/demo/**"), getItems(t, west+"/demo/**")
	require.Equal(t, westAll, eastAll)
	require.Len(t, eastAll, 1)
	require.Equal(t, "demo/dock/1", eastAll[0].Key)

	_, body = request(t, "GET", west+statsPath, "")
	var st stats
	require.NoError(t, json.Unmarshal([]byte(body), &st), body)
	require.NotNil(t, st.Replica)
	require.GreaterOrEqual(t, st.Replica.SamplesFetched, uint64(2))
	require.Equal(t, uint64(1), st.Replica.Alignments)
	require.Zero(t, st.Replica.ConfigMismatches)
}
