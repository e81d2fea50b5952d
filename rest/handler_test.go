// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/rest"
)

var bg = context.Background()

func newServer(t *testing.T, opts *rest.Options) (*httptest.Server, *strata.Store) {
	t.Helper()
	store, err := strata.Open(bg, memory.New(), &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	srv := httptest.NewServer(rest.NewHandler(store, opts))
	t.Cleanup(func() { srv.Close(); store.Close(bg) })
	return srv, store
}

func do(t *testing.T, method, url, body string, hdr ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

type item struct {
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value"`
	Encoding  string          `json:"encoding"`
	Timestamp string          `json:"timestamp"`
}

func getItems(t *testing.T, url string) []item {
	t.Helper()
	resp := do(t, "GET", url, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var items []item
	require.NoError(t, json.Unmarshal([]byte(bodyOf(t, resp)), &items))
	return items
}

func TestZenohCompatibleGetPutDelete(t *testing.T) {
	srv, _ := newServer(t, nil)
	for _, w := range []struct{ key, body, ctype string }{
		{"demo/json", `{"x": 1}`, "application/json"},
		{"demo/text", "héllo \"world\"", "text/plain;charset=utf-8"},
		{"demo/bin", "\x00\xff", "application/octet-stream"},
		{"demo/none", "raw", ""},
		{"demo/badjson", "{not json", "application/json"},
		{"demo/int", "42", "zenoh/int32"},
	} {
		resp := do(t, "PUT", srv.URL+"/"+w.key, w.body, "Content-Type", w.ctype)
		require.Equal(t, http.StatusOK, resp.StatusCode, w.key)
		_, err := hlc.Parse(resp.Header.Get(rest.HeaderTimestamp))
		require.NoError(t, err, "a write answers the timestamp stored")
	}
	items := getItems(t, srv.URL+"/demo/**")
	got := map[string]item{}
	var keys []string
	for _, it := range items {
		got[it.Key] = it
		keys = append(keys, it.Key)
		_, err := hlc.Parse(it.Timestamp)
		require.NoError(t, err)
	}
	require.Equal(t, []string{"demo/badjson", "demo/bin", "demo/int", "demo/json", "demo/none", "demo/text"}, keys, "key order")
	require.JSONEq(t, `{"x": 1}`, string(got["demo/json"].Value))
	require.Equal(t, `"héllo \"world\""`, string(got["demo/text"].Value))
	require.Equal(t, `"AP8="`, string(got["demo/bin"].Value), "base64 otherwise")
	require.Equal(t, `"cmF3"`, string(got["demo/none"].Value))
	require.Equal(t, rest.DefaultEncoding, got["demo/none"].Encoding)
	require.Equal(t, `"e25vdCBqc29u"`, string(got["demo/badjson"].Value), "invalid JSON is never embedded")
	require.Equal(t, `42`, string(got["demo/int"].Value))
	require.Equal(t, "text/plain;charset=utf-8", got["demo/text"].Encoding)

	one := getItems(t, srv.URL+"/demo/json")
	require.Len(t, one, 1, "a concrete key is an array of one")
	require.Empty(t, getItems(t, srv.URL+"/demo/missing"))

	raw := do(t, "GET", srv.URL+"/demo/bin?_raw", "")
	require.Equal(t, http.StatusOK, raw.StatusCode)
	require.Equal(t, "application/octet-stream", raw.Header.Get("Content-Type"))
	require.Equal(t, "\x00\xff", bodyOf(t, raw))
	require.Equal(t, http.StatusNotFound, do(t, "GET", srv.URL+"/demo/missing?_raw=true", "").StatusCode)

	require.Equal(t, http.StatusOK, do(t, "DELETE", srv.URL+"/demo/json", "").StatusCode)
	require.Equal(t, http.StatusOK, do(t, "DELETE", srv.URL+"/demo/b$*", "").StatusCode, "a wildcard delete")
	var left []string
	for _, it := range getItems(t, srv.URL+"/demo/**") {
		left = append(left, it.Key)
	}
	require.Equal(t, []string{"demo/int", "demo/none", "demo/text"}, left)
}

func TestTimestampedWrites(t *testing.T) {
	srv, store := newServer(t, nil)
	peer := hlc.NewClock(nil)
	old, newer := peer.Now(), peer.Now()
	resp := do(t, "PUT", srv.URL+"/demo/a", "new", rest.HeaderTimestamp, newer.String())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "inserted", resp.Header.Get(rest.HeaderResult))
	require.Equal(t, newer.String(), resp.Header.Get(rest.HeaderTimestamp))

	resp = do(t, "PUT", srv.URL+"/demo/a", "old", rest.HeaderTimestamp, old.String())
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Equal(t, "outdated", resp.Header.Get(rest.HeaderResult))
	require.Contains(t, bodyOf(t, resp), "outdated")

	resp = do(t, "DELETE", srv.URL+"/demo/a", "", rest.HeaderTimestamp, old.String())
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	for smp, err := range store.Get(bg, "demo/a") {
		require.NoError(t, err)
		require.Equal(t, "new", string(smp.Value))
	}
	resp = do(t, "PUT", srv.URL+"/demo/a", "x", rest.HeaderTimestamp, "not-a-timestamp")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, bodyOf(t, resp), rest.HeaderTimestamp)
}

func TestErrorsAndLimits(t *testing.T) {
	srv, _ := newServer(t, &rest.Options{MaxBodyBytes: 10})
	for _, tc := range []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"PUT", "/demo//a", "v", http.StatusBadRequest, "invalid key"},
		{"PUT", "/demo/*", "v", http.StatusBadRequest, "wildcard"},
		{"PUT", "/other/a", "v", http.StatusForbidden, "out of scope"},
		{"PUT", "/demo/big", strings.Repeat("x", 11), http.StatusRequestEntityTooLarge, "limit is 10 bytes"},
		{"GET", "/demo/a#b", "", http.StatusOK, ""}, // the fragment never reaches the server
		{"GET", "/demo/**/**", "", http.StatusOK, ""},
		{"GET", "/demo/$$", "", http.StatusBadRequest, "invalid key"},
		{"DELETE", "/other/**", "", http.StatusForbidden, "out of scope"},
		{"PATCH", "/demo/a", "", http.StatusMethodNotAllowed, "not allowed"},
		{"PUT", "/demo/" + strings.Repeat("k", strata.MaxKeyLen), "v", http.StatusBadRequest, "MaxKeyLen"},
	} {
		resp := do(t, tc.method, srv.URL+tc.path, tc.body)
		require.Equal(t, tc.code, resp.StatusCode, "%s %s", tc.method, tc.path)
		require.Contains(t, bodyOf(t, resp), tc.says, "%s %s", tc.method, tc.path)
		require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

func TestCORSPreflight(t *testing.T) {
	srv, _ := newServer(t, nil)
	resp := do(t, "OPTIONS", srv.URL+"/demo/a", "", "Origin", "https://example.org", "Access-Control-Request-Method", "PUT")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "PUT")
	require.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Content-Type")
}

// readEvent reads one Server-Sent Event (skipping comments).
func readEvent(t *testing.T, r *bufio.Reader) (string, string) {
	t.Helper()
	var event, data string
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && event != "":
			return event, data
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

// openEvents subscribes to url as a stream of server-sent events and
// requires the response to be 200 OK.
func openEvents(t *testing.T, ctx context.Context, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return resp
}

func TestServerSentEvents(t *testing.T) {
	srv, store := newServer(t, &rest.Options{KeepAlive: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	resp := openEvents(t, ctx, srv.URL+"/demo/robot/**")
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))

	_, err := store.PutEncoded(bg, "demo/other", []byte("x"), "text/plain") // not matched
	require.NoError(t, err)
	_, err = store.PutEncoded(bg, "demo/robot/1", []byte(`{"x":1}`), "application/json")
	require.NoError(t, err)
	_, err = store.Delete(bg, "demo/robot/1")
	require.NoError(t, err)
	_, err = store.Delete(bg, "demo/**")
	require.NoError(t, err)

	r := bufio.NewReader(resp.Body)
	ev, data := readEvent(t, r)
	require.Equal(t, "PUT", ev)
	var it item
	require.NoError(t, json.Unmarshal([]byte(data), &it))
	require.Equal(t, "demo/robot/1", it.Key)
	require.JSONEq(t, `{"x":1}`, string(it.Value))
	ev, data = readEvent(t, r)
	require.Equal(t, "DELETE", ev)
	require.Contains(t, data, `"demo/robot/1"`)
	ev, data = readEvent(t, r)
	require.Equal(t, "DELETE", ev)
	require.Contains(t, data, `"demo/**"`, "a wildcard delete that intersects the selector")

	bad := do(t, "GET", srv.URL+"/demo/$$", "", "Accept", "text/event-stream")
	require.Equal(t, http.StatusBadRequest, bad.StatusCode)
	out := do(t, "GET", srv.URL+"/other/**", "", "Accept", "text/event-stream")
	require.Equal(t, http.StatusForbidden, out.StatusCode)
}

func TestCloseEndsSubscriptions(t *testing.T) {
	store, err := strata.Open(bg, memory.New(), &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	defer store.Close(bg)
	h := rest.NewHandler(store, nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp := openEvents(t, bg, srv.URL+"/demo/**")
	defer resp.Body.Close()
	h.Close()
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(resp.Body); done <- err }()
	select {
	case err := <-done:
		require.NoError(t, err, "the stream ends cleanly")
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the subscription")
	}
	again := do(t, "GET", srv.URL+"/demo/**", "", "Accept", "text/event-stream")
	require.Equal(t, http.StatusServiceUnavailable, again.StatusCode)
	require.Equal(t, http.StatusOK, do(t, "GET", srv.URL+"/demo/**", "").StatusCode, "other requests are served")
}
