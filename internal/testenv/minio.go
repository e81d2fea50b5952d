// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	readyTimeout = 60 * time.Second // from start to a 200 from /minio/health/ready
	stopTimeout  = 10 * time.Second // from SIGTERM to SIGKILL
	maxLog       = 1 << 20          // bytes of server output kept for reports
)

// MinIOBinary returns the path of the MinIO server binary: $STRATA_MINIO_BIN,
// else .tools/bin/minio under the repository root (where `make deps` builds
// it). When there is none it calls [Missing].
func MinIOBinary(t T) string {
	t.Helper()
	return toolBinary(t, "the MinIO server", EnvMinIOBin, "minio")
}

// toolBinary finds a server binary: the environment variable env, else
// .tools/bin/name under the repository root; else it calls [Missing].
func toolBinary(t T, what, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if abs, err := filepath.Abs(p); err == nil && isExecutable(abs) {
			return abs
		}
		Missing(t, what+" ("+env+"="+p+" is not an executable file)")
		return ""
	}
	if root, err := repoRoot(); err == nil {
		if p := filepath.Join(root, ".tools", "bin", name); isExecutable(p) {
			return p
		}
	}
	Missing(t, what+" (.tools/bin/"+name+" or "+env+"; make deps builds it)")
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// MinIOOptions configures [StartMinIO]. The zero value (or nil) is a plain
// http server on a free 127.0.0.1 port with its data in a temporary directory.
type MinIOOptions struct {
	// CertsDir is MinIO's certs directory. When it holds public.crt and
	// private.key (see [WriteTLSCert]) the server speaks https only. Empty:
	// an empty directory, so that ~/.minio/certs is never used.
	CertsDir string
	// Dir is the data directory. Empty: t.TempDir().
	Dir string
	// Address is host:port to listen on; the host must be a loopback address.
	// Empty: a free 127.0.0.1 port.
	Address string
	// Env holds extra KEY=value settings for the server, such as
	// "MINIO_API_REQUESTS_MAX=10". MINIO_* variables of the test's own
	// environment are not passed on.
	Env []string
}

// MinIO is a private MinIO server started by [StartMinIO]. Its exported
// fields do not change over the server's life, Restart included.
type MinIO struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Dir       string // data directory
	TLS       bool   // https rather than http

	bin      string
	certsDir string
	env      []string
	log      *logBuffer

	mu   sync.Mutex
	proc *process // nil when stopped
}

// process is one run of the server.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// URL returns the server's base URL: http://Endpoint or https://Endpoint.
func (m *MinIO) URL() string {
	if m.TLS {
		return "https://" + m.Endpoint
	}
	return "http://" + m.Endpoint
}

// StartMinIO starts a MinIO server of the test's own, with random
// credentials, and returns when it is ready. t.Cleanup stops it (and reports
// its log if the test failed). The binary is [MinIOBinary]'s: without one
// the test skips, or fails under CI. A nil opts means the zero options.
func StartMinIO(t T, opts *MinIOOptions) *MinIO {
	t.Helper()
	if opts == nil {
		opts = &MinIOOptions{}
	}
	bin := MinIOBinary(t)
	m := &MinIO{
		AccessKey: "strata" + randomHex(t, 6),
		SecretKey: randomHex(t, 16),
		Dir:       opts.Dir,
		bin:       bin,
		certsDir:  opts.CertsDir,
		env:       append([]string(nil), opts.Env...),
		log:       &logBuffer{},
	}
	if m.Dir == "" {
		m.Dir = t.TempDir()
	}
	if m.certsDir == "" {
		m.certsDir = t.TempDir()
	} else {
		_, err := os.Stat(filepath.Join(m.certsDir, "public.crt"))
		m.TLS = err == nil
	}
	fixed := opts.Address != ""
	if fixed {
		host, _, err := net.SplitHostPort(opts.Address)
		if err != nil {
			t.Fatalf("testenv: MinIO address %q: %v", opts.Address, err)
		}
		if !isLoopback(host) {
			t.Fatalf("testenv: MinIO address %q: only loopback addresses may be used", opts.Address)
		}
		m.Endpoint = opts.Address
	}
	// Registered after t.TempDir, so it runs before the directories go.
	t.Cleanup(func() {
		m.Stop(t)
		if t.Failed() {
			t.Logf("testenv: MinIO %s log:\n%s", m.Endpoint, m.log.String())
		}
	})

	for attempt := 1; ; attempt++ {
		if !fixed {
			m.Endpoint = net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))
		}
		err := m.start(t)
		if err == nil {
			return m
		}
		if !fixed && errors.Is(err, errPortInUse) && attempt < 5 {
			t.Logf("testenv: %v; trying another port", err)
			continue
		}
		if fixed && errors.Is(err, errPortInUse) && attempt < 20 {
			time.Sleep(250 * time.Millisecond)
			continue
		}
		t.Fatalf("testenv: %v; MinIO log:\n%s", err, m.log.String())
	}
}

// Stop stops the server: SIGTERM, then SIGKILL if it has not exited after
// 10 s. Stopping a stopped server does nothing.
func (m *MinIO) Stop(t T) {
	t.Helper()
	m.mu.Lock()
	p := m.proc
	m.proc = nil
	m.mu.Unlock()
	if p == nil {
		return
	}
	if killed := p.stop(); killed {
		t.Logf("testenv: MinIO %s did not stop within %v; killed it", m.Endpoint, stopTimeout)
	}
}

// Restart stops the server and starts it again on the same address, with the
// same data directory, certificates and credentials.
func (m *MinIO) Restart(t T) {
	t.Helper()
	m.Stop(t)
	fmt.Fprintf(m.log, "\n--- restart ---\n")
	// The port was ours a moment ago; retry briefly if the kernel still holds it.
	for attempt := 1; ; attempt++ {
		err := m.start(t)
		if err == nil {
			return
		}
		if errors.Is(err, errPortInUse) && attempt < 20 {
			time.Sleep(250 * time.Millisecond)
			continue
		}
		t.Fatalf("testenv: restart: %v; MinIO log:\n%s", err, m.log.String())
	}
}

var errPortInUse = errors.New("port already in use")

// start runs the server on m.Endpoint and waits until it is ready. On error
// no process is left running.
func (m *MinIO) start(t T) error {
	host, _, err := net.SplitHostPort(m.Endpoint)
	if err != nil {
		return err
	}
	console := net.JoinHostPort(host, strconv.Itoa(FreePort(t)))
	cmd := exec.Command(m.bin, "server", m.Dir,
		"--address", m.Endpoint,
		"--console-address", console,
		"--certs-dir", m.certsDir)
	cmd.Env = append(serverEnv(),
		"MINIO_ROOT_USER="+m.AccessKey,
		"MINIO_ROOT_PASSWORD="+m.SecretKey,
		"MINIO_UPDATE=off")
	cmd.Env = append(cmd.Env, m.env...)
	cmd.Stdout = m.log
	cmd.Stderr = m.log
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = time.Second // do not wait for output of leftover children
	mark := m.log.Len()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", m.bin, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()

	if err := m.waitReady(p); err != nil {
		p.stop()
		if strings.Contains(strings.ToLower(m.log.Since(mark)), "already in use") {
			return fmt.Errorf("MinIO on %s: %w", m.Endpoint, errPortInUse)
		}
		return fmt.Errorf("MinIO on %s: %w", m.Endpoint, err)
	}
	m.mu.Lock()
	m.proc = p
	m.mu.Unlock()
	return nil
}

// waitReady polls the readiness endpoint until it answers 200.
func (m *MinIO) waitReady(p *process) error {
	client := &http.Client{
		Timeout: 2 * time.Second,
		Transport: &http.Transport{
			// The probe checks readiness, not the certificate.
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
			DisableKeepAlives: true,
		},
	}
	defer client.CloseIdleConnections()
	url := m.URL() + "/minio/health/ready"
	return p.pollUntil(func() bool {
		if statusOf(client, url) != http.StatusOK {
			return false
		}
		// Right after the probe turns 200, MinIO may still answer S3
		// requests with 503 (not initialized); an unsigned list of
		// buckets answers 403 once it serves them.
		st := statusOf(client, m.URL()+"/")
		return st != 0 && st != http.StatusServiceUnavailable
	})
}

// pollUntil calls ready every 100 ms until it reports true, the process
// exits, or readyTimeout passes.
func (p *process) pollUntil(ready func() bool) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-p.done:
			return fmt.Errorf("exited during startup (%v)", p.cmd.ProcessState)
		default:
		}
		if ready() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v", readyTimeout)
		}
		select {
		case <-p.done:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stop ends the process and waits for it; it reports whether SIGKILL was needed.
func (p *process) stop() (killed bool) {
	select {
	case <-p.done:
		return false
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return false
	case <-time.After(stopTimeout):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return true
}

// serverEnv is the test's environment without MINIO_* variables.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") {
			env = append(env, kv)
		}
	}
	return env
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func randomHex(t T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("testenv: random: %v", err)
	}
	return hex.EncodeToString(b)
}

// logBuffer keeps the first maxLog bytes of a server's output; safe for
// concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := maxLog - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *logBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Since returns what was written after the first n bytes.
func (b *logBuffer) Since(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf.Bytes()[min(n, b.buf.Len()):])
}

// statusOf returns the status code of a GET of url, 0 if it failed.
func statusOf(client *http.Client, url string) int {
	resp, err := client.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
