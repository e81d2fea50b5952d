package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, config{listen: "127.0.0.1:8000", keyExpr: "demo/**", backend: "memory",
		peers: map[string]string{}, interval: 10 * time.Second, maxValue: 256 << 10}, cfg)

	cfg, err = parseFlags([]string{"-id", "east", "-peers", "west=http://127.0.0.1:8002/, north=https://n.example"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"west": "http://127.0.0.1:8002/replication", "north": "https://n.example/replication"}, cfg.peers)

	for _, args := range [][]string{
		{"-backend", "pebble"},
		{"-backend", "rocksdb"},
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
}

// start runs the router of cfg on a listener of its own until the test
// ends, and returns its base URL.
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

func TestRunBackends(t *testing.T) {
	dir := t.TempDir()
	for _, backend := range []string{"memory", "rocksdb", "rocksdb"} {
		t.Run(backend, func(t *testing.T) {
			cfg, err := parseFlags([]string{"-backend", backend, "-dir", dir, "-keyexpr", "fleet/**", "-strip", "fleet"}, io.Discard)
			require.NoError(t, err)
			base := start(t, cfg, listen(t))
			code, _ := request(t, "PUT", base+"/kv/fleet/robot/1", "docked")
			require.Contains(t, []int{http.StatusCreated, http.StatusOK}, code)
			code, body := request(t, "GET", base+"/kv/fleet/robot/1", "")
			require.Equal(t, http.StatusOK, code)
			require.Equal(t, "docked", body)
		})
	}
	// The second rocksdb run reopened the first one's database.
}

// TestRunReplicates runs two routers, one on RocksDB and one in memory,
// that name each other as peers, and waits for Run to replicate.
func TestRunReplicates(t *testing.T) {
	lns := []net.Listener{listen(t), listen(t)}
	urls := []string{"http://" + lns[0].Addr().String(), "http://" + lns[1].Addr().String()}
	east, err := parseFlags([]string{"-id", "east", "-peers", "west=" + urls[1], "-interval", "1s",
		"-backend", "rocksdb", "-dir", t.TempDir()}, io.Discard)
	require.NoError(t, err)
	west, err := parseFlags([]string{"-id", "west", "-peers", "east=" + urls[0], "-interval", "1s"}, io.Discard)
	require.NoError(t, err)
	start(t, east, lns[0])
	start(t, west, lns[1])

	code, _ := request(t, "PUT", urls[0]+"/kv/demo/from/east", "e")
	require.Equal(t, http.StatusCreated, code)
	code, _ = request(t, "PUT", urls[1]+"/kv/demo/from/west", "w")
	require.Equal(t, http.StatusCreated, code)
	for _, u := range urls {
		require.Eventually(t, func() bool {
			resp, err := http.Get(u + "/kv/demo/from/**")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return strings.Contains(string(b), `"value":"e"`) && strings.Contains(string(b), `"value":"w"`)
		}, 10*time.Second, 50*time.Millisecond, u)
	}
	_, body := request(t, "GET", urls[1]+"/stats", "")
	require.Regexp(t, `"SamplesFetched": [1-9]`, body)
}
