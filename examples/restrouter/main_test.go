// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/rest"
)

var quiet = slog.New(slog.DiscardHandler)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, config{listen: "127.0.0.1:8000", store: "memory:", keyExpr: "demo/**",
		peers: map[string]string{}, interval: 10 * time.Second, maxValue: 256 << 10}, cfg)

	cfg, err = parseFlags([]string{"-id", "east", "-peers", "west=http://127.0.0.1:8002/, north=https://n.example"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"west": "http://127.0.0.1:8002/@strata/replication",
		"north": "https://n.example/@strata/replication"}, cfg.peers)

	for _, args := range [][]string{
		{"-store", "%zz"},
		{"-keyexpr", "a//b"},
		{"-keyexpr", "@strata/**"},
		{"-keyexpr", "@strata/stats"},
		{"-peers", "west=http://127.0.0.1:8002"},
		{"-id", "e", "-peers", "west"},
		{"-id", "e", "-peers", "west=127.0.0.1:8002"},
		{"-id", "e", "-peers", "w=http://a,w=http://b"},
		{"-max-value", "0"},
		{"-tls-cert", "a.crt"},
		{"-tls-ca", "ca.crt"},
		{"extra"},
	} {
		_, err := parseFlags(args, io.Discard)
		require.Error(t, err, "%q", args)
	}
	// "**" does not include keys under @strata: a chunk that starts with
	// '@' matches only itself.
	_, err = parseFlags([]string{"-keyexpr", "**"}, io.Discard)
	require.NoError(t, err)
}

// start runs the router of cfg on ln until the test ends, and returns its
// base URL.
func start(t *testing.T, cfg config, ln net.Listener) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, ln, quiet) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "shutdown")
		case <-time.After(shutdownTimeout + 5*time.Second):
			t.Error("run did not return after its context ended")
		}
	})
	return "http://" + ln.Addr().String()
}

func listen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

func mustParse(t *testing.T, args ...string) config {
	t.Helper()
	cfg, err := parseFlags(args, io.Discard)
	require.NoError(t, err)
	return cfg
}

// request sends a request with a text/plain body and returns the status
// and the body of the answer.
func request(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// item is one sample of a GET's JSON array (package rest).
type item struct {
	Key, Encoding, Timestamp string
	Value                    json.RawMessage
}

func getItems(t *testing.T, url string) []item {
	t.Helper()
	code, body := request(t, "GET", url, "")
	require.Equal(t, http.StatusOK, code, body)
	var items []item
	require.NoError(t, json.Unmarshal([]byte(body), &items), body)
	return items
}

// TestRunStores runs the router on every kind of store the flags name.
func TestRunStores(t *testing.T) {
	dir := t.TempDir()
	stores := []string{"memory:", "rocksdb://" + dir + "?create=true", "rocksdb://" + dir}
	srv := testenv.S3(t)
	client, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	require.NoError(t, err)
	bucket := fmt.Sprintf("restrouter-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		_ = client.RemoveBucketWithOptions(context.Background(), bucket, minio.RemoveBucketOptions{ForceDelete: true})
	})
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	t.Setenv("AWS_CA_BUNDLE", "") // a CA bundle of the environment would refuse the plain http endpoint
	stores = append(stores, "s3://"+bucket+"/fleet?create=true&secure=false&endpoint="+url.QueryEscape(srv.Endpoint))

	for i, store := range stores {
		t.Run(strings.SplitN(store, ":", 2)[0], func(t *testing.T) {
			base := start(t, mustParse(t, "-store", store, "-keyexpr", "fleet/**", "-strip", "fleet"), listen(t))
			if i == 2 { // the same RocksDB directory as before
				code, body := request(t, "GET", base+"/fleet/robot/1?_raw", "")
				require.Equal(t, http.StatusOK, code)
				require.Equal(t, "docked", body)
			}
			code, _ := request(t, "PUT", base+"/fleet/robot/1", "docked")
			require.Equal(t, http.StatusOK, code)
			items := getItems(t, base+"/fleet/**")
			require.Len(t, items, 1)
			require.Equal(t, "fleet/robot/1", items[0].Key)
			require.JSONEq(t, `"docked"`, string(items[0].Value))
			require.Equal(t, "text/plain", items[0].Encoding)
		})
	}
}

// TestRouterEndpoints checks the key/value API at the root and the
// router's own endpoints under /@strata/.
func TestRouterEndpoints(t *testing.T) {
	base := start(t, mustParse(t, "-keyexpr", "**"), listen(t))

	code, _ := request(t, "PUT", base+"/demo/robot/1/pose", `{"x":1}`)
	require.Equal(t, http.StatusOK, code)
	code, body := request(t, "GET", base+"/demo/robot/1/pose?_raw", "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, `{"x":1}`, body)
	code, _ = request(t, "DELETE", base+"/demo/**", "")
	require.Equal(t, http.StatusOK, code)
	require.Empty(t, getItems(t, base+"/demo/**"))
	code, _ = request(t, "PUT", base+"/demo//a", "x")
	require.Equal(t, http.StatusBadRequest, code, "paths are not cleaned into other keys")

	code, body = request(t, "GET", base+statsPath, "")
	require.Equal(t, http.StatusOK, code)
	var st stats
	require.NoError(t, json.Unmarshal([]byte(body), &st), body)
	require.Equal(t, uint64(1), st.Store.Puts)
	require.Equal(t, uint64(1), st.Store.WildcardDeletes)
	require.Nil(t, st.Replica)
	code, body = request(t, "GET", base+metricsPath, "")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "strata_store_puts_total 1")
	require.NotContains(t, body, "strata_replica_")

	code, _ = request(t, "POST", base+replicationPath+"/request", "x")
	require.Equal(t, http.StatusNotFound, code, "no replication, no endpoint")
	for _, p := range []string{"/@strata", "/@strata/", "/@strata/nothing"} {
		code, _ = request(t, "PUT", base+p, "x")
		require.Equal(t, http.StatusNotFound, code, p)
	}
	code, _ = request(t, "POST", base+statsPath, "")
	require.Equal(t, http.StatusMethodNotAllowed, code)
}

// TestShutdownEndsSubscriptions stops a router while a client holds a
// live subscription open: the stream ends and the shutdown succeeds.
func TestShutdownEndsSubscriptions(t *testing.T) {
	ln := listen(t)
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, mustParse(t), ln, quiet) }()

	req, err := http.NewRequest("GET", base+"/demo/**", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	code, _ := request(t, "PUT", base+"/demo/a", "1")
	require.Equal(t, http.StatusOK, code)
	sc := bufio.NewScanner(resp.Body)
	var lines []string
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "data:") {
		lines = append(lines, sc.Text())
	}
	require.Contains(t, lines, "event: PUT")
	require.Contains(t, sc.Text(), `"demo/a"`)

	cancel()
	require.NoError(t, <-done, "shutdown with a live subscription open")
	for sc.Scan() {
	}
	_, err = http.Get(base + "/demo/a")
	require.Error(t, err, "the router no longer listens")
}

// TestRunReplicates runs two routers, one on RocksDB and one in memory,
// that name each other as peers, and waits for Run to replicate.
func TestRunReplicates(t *testing.T) {
	lns := []net.Listener{listen(t), listen(t)}
	urls := []string{"http://" + lns[0].Addr().String(), "http://" + lns[1].Addr().String()}
	start(t, mustParse(t, "-id", "east", "-peers", "west="+urls[1], "-interval", "1s",
		"-store", "rocksdb://"+t.TempDir()+"?create=true"), lns[0])
	start(t, mustParse(t, "-id", "west", "-peers", "east="+urls[0], "-interval", "1s"), lns[1])

	code, _ := request(t, "PUT", urls[0]+"/demo/from/east", "e")
	require.Equal(t, http.StatusOK, code)
	code, _ = request(t, "PUT", urls[1]+"/demo/from/west", "w")
	require.Equal(t, http.StatusOK, code)
	for _, u := range urls {
		require.Eventually(t, func() bool {
			code, body := request(t, "GET", u+"/demo/from/**", "")
			return code == http.StatusOK && strings.Contains(body, `"value":"e"`) && strings.Contains(body, `"value":"w"`)
		}, 20*time.Second, 50*time.Millisecond, u)
	}
	_, body := request(t, "GET", urls[1]+statsPath, "")
	require.Regexp(t, `"(SamplesFetched|SamplesPushedIn)": [1-9]`, body, "samples arrived by push or by alignment")
	_, body = request(t, "GET", urls[1]+metricsPath, "")
	require.Regexp(t, `strata_replica_\w+`, body)
}

// The timestamp headers of package rest pass through the router.
func TestTimestampedWrites(t *testing.T) {
	base := start(t, mustParse(t), listen(t))
	req, err := http.NewRequest("PUT", base+"/demo/a", strings.NewReader("x"))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	ts := resp.Header.Get(rest.HeaderTimestamp)
	require.NotEmpty(t, ts)

	req, err = http.NewRequest("PUT", base+"/demo/a", strings.NewReader("stale"))
	require.NoError(t, err)
	req.Header.Set(rest.HeaderTimestamp, ts) // the same timestamp again
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Equal(t, "outdated", resp.Header.Get(rest.HeaderResult))
}
