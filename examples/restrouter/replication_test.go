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
	"github.com/stratakv/strata/hlc/hlctest"
)

// TestReplicationOverHTTP runs two routers that replicate over their own
// /replication/ endpoints, on a fake clock, aligning by hand.
func TestReplicationOverHTTP(t *testing.T) {
	ctx := context.Background()
	ft := hlctest.NewTime()
	names := []string{"east", "west"}
	servers := make([]*httptest.Server, 2)
	clients := make([]*httptransport.Client, 2)
	replicas := make([]*antientropy.Replica, 2)
	for i, name := range names {
		store := newStore(t, &strata.Options{Clock: ft.Clock(byte(i+1), 0)})
		clients[i] = httptransport.NewClient(name, nil, nil, 0)
		r, err := antientropy.New(store, clients[i], &antientropy.Options{ID: name, Logger: quiet})
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		replicas[i] = r
		servers[i] = httptest.NewServer(NewRouter(store, &RouterOptions{Replica: r, Context: t.Context(), Logger: quiet}))
		t.Cleanup(servers[i].Close)
	}
	for i := range names {
		clients[i].SetPeer(names[1-i], servers[1-i].URL+"/replication")
	}
	east, west := servers[0], servers[1]

	resp, _ := do(t, east, "PUT", "/kv/demo/robot/1", `{"x":1}`, "Content-Type", "application/json")
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	ts := resp.Header.Get(HeaderTimestamp)
	do(t, east, "PUT", "/kv/demo/robot/2", "moving")
	do(t, west, "PUT", "/kv/demo/dock/1", "free")
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay)

	require.NoError(t, replicas[1].AlignWith(ctx, "east"))
	resp, body := do(t, west, "GET", "/kv/demo/robot/1", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, `{"x":1}`, body)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.Equal(t, ts, resp.Header.Get(HeaderTimestamp))

	// A wildcard delete on west reaches east.
	resp, _ = do(t, west, "DELETE", "/kv/demo/robot/**", "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	ft.Advance(antientropy.DefaultInterval)
	require.NoError(t, replicas[0].AlignWith(ctx, "west"))
	_, eastAll := do(t, east, "GET", "/kv/demo/**", "")
	_, westAll := do(t, west, "GET", "/kv/demo/**", "")
	require.Equal(t, westAll, eastAll)
	require.Contains(t, eastAll, `"demo/dock/1"`)
	require.NotContains(t, eastAll, "robot")

	_, body = do(t, west, "GET", "/stats", "")
	var st stats
	require.NoError(t, json.Unmarshal([]byte(body), &st), body)
	require.NotNil(t, st.Replica)
	require.GreaterOrEqual(t, st.Replica.SamplesFetched, uint64(2))
	require.Equal(t, uint64(1), st.Replica.Alignments)
}
