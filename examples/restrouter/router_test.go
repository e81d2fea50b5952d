package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

var quiet = slog.New(slog.DiscardHandler)

func newStore(t *testing.T, opts *strata.Options) *strata.Store {
	t.Helper()
	if opts.KeyExpr == "" {
		opts.KeyExpr = "demo/**"
	}
	opts.GCInterval, opts.Logger = -1, quiet
	s, err := strata.Open(context.Background(), memory.New(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// newServer serves a Router over a new memory store serving demo/**.
func newServer(t *testing.T, maxValue int) (*httptest.Server, *strata.Store) {
	t.Helper()
	store := newStore(t, &strata.Options{MaxValueSize: maxValue})
	srv := httptest.NewServer(NewRouter(store, &RouterOptions{MaxValueSize: maxValue, Logger: quiet}))
	t.Cleanup(srv.Close)
	return srv, store
}

// do sends a request and returns the response with its body read.
func do(t *testing.T, srv *httptest.Server, method, path, body string, header ...string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestPutGetRoundTrip(t *testing.T) {
	srv, _ := newServer(t, 0)
	resp, _ := do(t, srv, "PUT", "/kv/demo/robot/1/pose", `{"x":1}`, "Content-Type", "application/json")
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, "inserted", resp.Header.Get(HeaderResult))
	ts, err := hlc.Parse(resp.Header.Get(HeaderTimestamp))
	require.NoError(t, err)

	resp, body := do(t, srv, "GET", "/kv/demo/robot/1/pose", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, `{"x":1}`, body)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.Equal(t, ts.String(), resp.Header.Get(HeaderTimestamp))

	resp, _ = do(t, srv, "PUT", "/kv/demo/robot/1/pose", "\x00\x01", "Content-Type", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "replaced", resp.Header.Get(HeaderResult))
	resp, body = do(t, srv, "GET", "/kv/demo/robot/1/pose", "")
	require.Equal(t, "\x00\x01", body)
	require.Equal(t, "application/octet-stream", resp.Header.Get("Content-Type"))

	resp, _ = do(t, srv, "GET", "/kv/demo/robot/2/pose", "")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = do(t, srv, "POST", "/kv/demo/robot/2/pose", "x")
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	resp, _ = do(t, srv, "GET", "/nowhere", "")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = do(t, srv, "POST", "/replication/request", "x")
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "no replica, no replication endpoint")
}

func TestWildcardGetJSON(t *testing.T) {
	srv, _ := newServer(t, 0)
	for _, kv := range [][3]string{
		{"demo/robot/2/pose", `{"x":2}`, "application/json"},
		{"demo/robot/1/pose", `{"x":1}`, "application/json; charset=utf-8"},
		{"demo/robot/1/battery", "87", "text/plain"},
		{"demo/robot/3/pose", "\xff\x00", "application/octet-stream"},
		{"demo/dock/1", "free", "text/plain"},
	} {
		resp, _ := do(t, srv, "PUT", "/kv/"+kv[0], kv[1], "Content-Type", kv[2])
		require.Equal(t, http.StatusCreated, resp.StatusCode)
	}
	get := func(path string) []item {
		t.Helper()
		resp, body := do(t, srv, "GET", path, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		var items []item
		require.NoError(t, json.Unmarshal([]byte(body), &items), body)
		return items
	}
	items := get("/kv/demo/robot/**")
	require.Len(t, items, 4)
	var keys []string
	for _, it := range items {
		keys = append(keys, it.Key)
		_, err := hlc.Parse(it.Timestamp)
		require.NoError(t, err)
	}
	require.Equal(t, []string{"demo/robot/1/battery", "demo/robot/1/pose", "demo/robot/2/pose", "demo/robot/3/pose"}, keys)
	require.Equal(t, item{Key: "demo/robot/1/pose", Value: `{"x":1}`, Encoding: "application/json; charset=utf-8", Timestamp: items[1].Timestamp}, items[1])
	require.Equal(t, "87", items[0].Value)
	require.Equal(t, item{Key: "demo/robot/3/pose", Value: "/wA=", Base64: true, Encoding: "application/octet-stream", Timestamp: items[3].Timestamp}, items[3])

	require.Len(t, get("/kv/demo/robot/*/pose?limit=2"), 2)
	require.Len(t, get("/kv/demo/%2A/1"), 1, "an escaped wildcard")
	require.Empty(t, get("/kv/demo/nothing/**"))
	resp, _ := do(t, srv, "GET", "/kv/demo/**?limit=0", "")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestApplyOlderTimestampIsOutdated(t *testing.T) {
	srv, _ := newServer(t, 0)
	now := hlc.FromTime(time.Now())
	newer := hlc.Timestamp{Time: now - 1000, ID: hlc.ID{0x07}}
	older := hlc.Timestamp{Time: now - 2000, ID: hlc.ID{0x42}}

	resp, _ := do(t, srv, "PUT", "/kv/demo/a", "new", HeaderTimestamp, newer.String())
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, newer.String(), resp.Header.Get(HeaderTimestamp))

	resp, _ = do(t, srv, "PUT", "/kv/demo/a", "old", HeaderTimestamp, older.String())
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Equal(t, "outdated", resp.Header.Get(HeaderResult))
	resp, _ = do(t, srv, "PUT", "/kv/demo/a", "new again", HeaderTimestamp, newer.String())
	require.Equal(t, http.StatusConflict, resp.StatusCode, "the same timestamp again is outdated")

	resp, body := do(t, srv, "GET", "/kv/demo/a", "")
	require.Equal(t, "new", body)
	require.Equal(t, newer.String(), resp.Header.Get(HeaderTimestamp))

	resp, _ = do(t, srv, "DELETE", "/kv/demo/a", "", HeaderTimestamp, older.String())
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	resp, _ = do(t, srv, "PUT", "/kv/demo/a", "x", HeaderTimestamp, "12/0")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "an ID of zero")
	future := hlc.Timestamp{Time: hlc.FromTime(time.Now().Add(time.Hour)), ID: hlc.ID{1}}
	resp, _ = do(t, srv, "PUT", "/kv/demo/a", "x", HeaderTimestamp, future.String())
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "a timestamp from the future")
}

func TestWildcardDeleteThenStalePut(t *testing.T) {
	srv, _ := newServer(t, 0)
	resp, _ := do(t, srv, "PUT", "/kv/demo/a/1", "v1")
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	first, err := hlc.Parse(resp.Header.Get(HeaderTimestamp))
	require.NoError(t, err)
	do(t, srv, "PUT", "/kv/demo/b/1", "stays")

	resp, _ = do(t, srv, "DELETE", "/kv/demo/a/%2A%2A", "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, "deleted", resp.Header.Get(HeaderResult))

	// Stamped after the put, before the delete: the delete wins, also on a
	// key the store never held.
	stale := hlc.Timestamp{Time: first.Time + 1, ID: hlc.ID{0x42}}
	for _, key := range []string{"demo/a/1", "demo/a/2/x"} {
		resp, _ = do(t, srv, "PUT", "/kv/"+key, "stale", HeaderTimestamp, stale.String())
		require.Equal(t, http.StatusConflict, resp.StatusCode, key)
		require.Equal(t, "outdated", resp.Header.Get(HeaderResult))
	}
	_, body := do(t, srv, "GET", "/kv/demo/**", "")
	var items []item
	require.NoError(t, json.Unmarshal([]byte(body), &items))
	require.Len(t, items, 1)
	require.Equal(t, "demo/b/1", items[0].Key)
}

func TestInvalidKeys(t *testing.T) {
	srv, _ := newServer(t, 0)
	for _, tc := range []struct{ method, path string }{
		{"PUT", "/kv/demo//a"},
		{"PUT", "/kv/demo/a/"},
		{"PUT", "/kv/"},
		{"PUT", "/kv/demo/a%23b"},
		{"PUT", "/kv/demo/a%3Fb"},
		{"PUT", "/kv/demo/*"}, // a put needs a concrete key
		{"GET", "/kv/demo//a"},
		{"GET", "/kv/demo/a**"},
		{"DELETE", "/kv/demo/a**"},
	} {
		resp, body := do(t, srv, tc.method, tc.path, "x")
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s %s: %s", tc.method, tc.path, body)
	}
}

func TestOutOfScope(t *testing.T) {
	srv, _ := newServer(t, 0)
	resp, body := do(t, srv, "PUT", "/kv/other/a", "x")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, body, "out of scope")
	resp, _ = do(t, srv, "DELETE", "/kv/other/**", "")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = do(t, srv, "GET", "/kv/other/a", "")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, body = do(t, srv, "GET", "/kv/other/**", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "[]\n", body)
}

func TestTooLarge(t *testing.T) {
	srv, _ := newServer(t, 16)
	resp, _ := do(t, srv, "PUT", "/kv/demo/a", strings.Repeat("x", 16))
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	resp, _ = do(t, srv, "PUT", "/kv/demo/a", strings.Repeat("x", 17))
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	// Without a Content-Length the body is cut at the limit while read.
	req, err := http.NewRequest("PUT", srv.URL+"/kv/demo/a", io.MultiReader(strings.NewReader(strings.Repeat("y", 4096))))
	require.NoError(t, err)
	req.ContentLength = -1
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)

	// A router more generous than its store: the store's ErrTooLarge.
	store := newStore(t, &strata.Options{MaxValueSize: 8})
	big := httptest.NewServer(NewRouter(store, &RouterOptions{MaxValueSize: 1 << 20, Logger: quiet}))
	defer big.Close()
	resp, _ = do(t, big, "PUT", "/kv/demo/a", strings.Repeat("x", 9))
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}

func TestStatsAndClosed(t *testing.T) {
	srv, store := newServer(t, 0)
	do(t, srv, "PUT", "/kv/demo/a", "12345")
	do(t, srv, "PUT", "/kv/demo/b", "x")
	do(t, srv, "DELETE", "/kv/demo/**", "")
	do(t, srv, "GET", "/kv/demo/**", "")

	resp, body := do(t, srv, "GET", "/stats", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var st map[string]map[string]uint64
	require.NoError(t, json.Unmarshal([]byte(body), &st), body)
	require.NotContains(t, st, "replica")
	require.Equal(t, uint64(2), st["store"]["Puts"])
	require.Equal(t, uint64(6), st["store"]["BytesWritten"])
	require.Equal(t, uint64(1), st["store"]["WildcardDeletes"])
	require.Equal(t, uint64(1), st["store"]["Gets"])

	require.NoError(t, store.Close(context.Background()))
	resp, _ = do(t, srv, "PUT", "/kv/demo/a", "x")
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	resp, _ = do(t, srv, "GET", "/kv/demo/**", "")
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}
