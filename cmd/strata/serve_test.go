// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/internal/testenv"
)

// server is a `strata serve` process.
type server struct {
	t      testing.TB
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	stderr *bytes.Buffer
	exited chan error
}

// startServer runs `strata serve -listen 127.0.0.1:PORT args...` and
// waits until it answers /@strata/health.
func startServer(t testing.TB, r *runner, args ...string) *server {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	for i, a := range args {
		if a == "-listen" && i+1 < len(args) {
			addr = args[i+1]
		}
	}
	cmd := exec.Command(strataBin, append([]string{"serve", "-listen", addr}, args...)...)
	cmd.Env = r.env
	s := &server{t: t, cmd: cmd, base: "http://" + addr, stderr: &bytes.Buffer{}, exited: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{w: s.stderr}
	require.NoError(t, cmd.Start())
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("strata serve %q output:\n%s", args, s.stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.base + healthPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.exited:
			t.Fatalf("strata serve exited: %v\n%s", err, s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("strata serve did not answer on %s:\n%s", addr, s.stderr.String())
		}
	}
}

// stop sends SIGTERM and requires a clean exit.
func (s *server) stop() {
	s.t.Helper()
	require.NoError(s.t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-s.exited:
		require.NoError(s.t, err, s.stderr.String())
	case <-time.After(30 * time.Second):
		s.t.Fatalf("strata serve did not exit after SIGTERM:\n%s", s.stderr.String())
	}
}

func (s *server) do(method, path, body string, header ...string) (int, string, http.Header) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	require.NoError(s.t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp.StatusCode, string(b), resp.Header
}

// lockedWriter lets the process write its output while a test reads it.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestServe(t *testing.T) {
	r := newRunner(t)
	u := rocksURL(t, "served")
	s := startServer(t, r, withParam(u, "create=true"), "-keyexpr", "demo/**")

	// A live subscription, open when the server shuts down.
	req, err := http.NewRequest(http.MethodGet, s.base+"/demo/**", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer stream.Body.Close()
	require.Equal(t, http.StatusOK, stream.StatusCode)
	events := make(chan string, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "data:") {
				events <- l
			}
		}
	}()

	code, _, hdr := s.do(http.MethodPut, "/demo/a", `{"x":1}`, "Content-Type", "application/json")
	require.Equal(t, http.StatusOK, code)
	assert.NotEmpty(t, hdr.Get("X-Strata-Timestamp"))
	code, body, _ := s.do(http.MethodGet, "/demo/*", "")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"key":"demo/a","value":{"x":1},"encoding":"application/json"`)
	code, body, _ = s.do(http.MethodGet, "/demo/a?_raw", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, `{"x":1}`, body)
	select {
	case ev := <-events:
		assert.Contains(t, ev, `"key":"demo/a"`)
	case <-time.After(10 * time.Second):
		t.Fatal("no event on the live subscription")
	}

	// The metrics count the put; admin paths are under /@strata/.
	code, body, _ = s.do(http.MethodGet, metricsPath, "")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `strata_store_puts_total{keyexpr="demo/**"} 1`)
	assert.Contains(t, body, "go_goroutines")
	code, body, _ = s.do(http.MethodGet, "/metrics", "")
	assert.Equal(t, http.StatusOK, code)
	assert.NotContains(t, body, "strata_store", "/metrics is a key (outside demo/**: nothing)")

	// While it serves, the command reads the store read-only.
	out := r.ok("get", withParam(u, "readonly=true"), "demo/a").stdout
	assert.Equal(t, `{"x":1}`, out)
	r.fails(1, []string{"readonly=true"}, "ls", u)
	r.fails(1, []string{"RocksDB has one writer"}, "put", u, "demo/b", "x")

	// SIGTERM: the subscription ends, the server exits cleanly, the
	// store is closed (it opens again).
	s.stop()
	for range events {
	}
	assert.Contains(t, s.stderr.String(), "shutting down")
	assert.Equal(t, `{"x":1}`, r.ok("get", u, "demo/a").stdout)
}

// TestServeReplication runs two replicas over HTTP with a shared secret:
// what one held before the other started reaches it by anti-entropy
// (digests keyed with the secret), and a later write by live push.
func TestServeReplication(t *testing.T) {
	r := newRunner(t)
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("0123456789abcdef0123456789abcdef\n"), 0o600))
	pa, pb := testenv.FreePort(t), testenv.FreePort(t)
	common := []string{"memory:", "-keyexpr", "demo/**", "-interval", "1s", "-secret-file", secret}
	a := startServerAt(t, r, pa, append([]string{"-id", "a", "-peers", fmt.Sprintf("b=http://127.0.0.1:%d", pb)}, common...)...)
	code, _, _ := a.do(http.MethodPut, "/demo/before", "held by a", "Content-Type", "text/plain")
	require.Equal(t, http.StatusOK, code)
	b := startServerAt(t, r, pb, append([]string{"-id", "b", "-peers", fmt.Sprintf("a=http://127.0.0.1:%d", pa)}, common...)...)
	code, _, _ = a.do(http.MethodPut, "/demo/after", "pushed", "Content-Type", "text/plain")
	require.Equal(t, http.StatusOK, code)

	for key, want := range map[string]string{"before": "held by a", "after": "pushed"} {
		require.Eventually(t, func() bool {
			code, body, _ := b.do(http.MethodGet, "/demo/"+key+"?_raw", "")
			return code == http.StatusOK && body == want
		}, 30*time.Second, 50*time.Millisecond, "demo/%s did not reach b", key)
	}
	_, body, _ := b.do(http.MethodGet, metricsPath, "")
	assert.Contains(t, body, "strata_replica_")
	// An unsigned message is refused.
	code, _, _ = a.do(http.MethodPost, replicationPath+"/broadcast", "x", "Strata-Replica", "b")
	assert.Equal(t, http.StatusUnauthorized, code)
	a.stop()
	b.stop()
}

// startServerAt is startServer on a chosen port.
func startServerAt(t testing.TB, r *runner, port int, args ...string) *server {
	t.Helper()
	// startServer chooses its own port; pass -listen last to override it.
	return startServer(t, r, append(args, "-listen", fmt.Sprintf("127.0.0.1:%d", port))...)
}

// TestServeS3 serves a bucket on the test's MinIO, and reads what it
// stored with the command.
func TestServeS3(t *testing.T) {
	b := newS3Store(t)
	r := newRunner(t).withS3(b.srv)
	s := startServer(t, r, b.url("served", "create=true"), "-keyexpr", "demo/**")
	code, _, _ := s.do(http.MethodPut, "/demo/a", "over s3", "Content-Type", "text/plain")
	require.Equal(t, http.StatusOK, code)
	code, body, _ := s.do(http.MethodGet, "/demo/a?_raw", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "over s3", body)

	// cp into the bucket while the server uses it: the server serves
	// what was copied.
	rocks := withParam(rocksURL(t, "src"), "create=true")
	r.ok("put", "-keyexpr", "demo/**", rocks, "demo/copied", "by cp")
	r.ok("cp", rocks, b.url("served"))
	code, body, _ = s.do(http.MethodGet, "/demo/copied?_raw", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "by cp", body)

	code, _, _ = s.do(http.MethodDelete, "/demo/**", "")
	assert.Equal(t, http.StatusOK, code)
	s.stop()
	assert.Regexp(t, `(?m)^\S+  wdel  demo/\*\*$`, r.ok("ls", "-all", b.url("served")).stdout)
}
