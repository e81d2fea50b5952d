// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// EnvVersityGWBin is the path of the versitygw binary, for tests that start
// a versitygw server (see [StartVersityGW]).
const EnvVersityGWBin = "STRATA_VERSITYGW_BIN"

// VersityGWBinary returns the path of the versitygw binary:
// $STRATA_VERSITYGW_BIN, else .tools/bin/versitygw under the repository root
// (where `make deps` builds it). When there is none it calls [Missing].
func VersityGWBinary(t testing.TB) string {
	t.Helper()
	return toolBinary(t, "the versitygw server", EnvVersityGWBin, "versitygw")
}

// VersityGW is a private versitygw server (posix backend) started by
// [StartVersityGW]: a second S3 implementation, for cross-compatibility
// tests. Endpoint is plain http.
type VersityGW struct {
	S3Server
	Dir string // the posix backend's directory: one subdirectory per bucket

	log  *logBuffer
	proc *process
}

// StartVersityGW starts a versitygw server with the posix backend on a free
// 127.0.0.1 port, in a temporary directory, with random root credentials,
// and returns when it answers S3 requests. t.Cleanup stops it (SIGTERM, then
// SIGKILL after 10 s) and reports its log if the test failed. The binary is
// [VersityGWBinary]'s: without one the test skips, or fails under CI.
func StartVersityGW(t testing.TB) *VersityGW {
	t.Helper()
	bin := VersityGWBinary(t)
	g := &VersityGW{
		S3Server: S3Server{
			AccessKey: "strata" + randomHex(t, 6),
			SecretKey: randomHex(t, 16),
		},
		Dir: t.TempDir(),
		log: &logBuffer{},
	}
	// Registered after t.TempDir, so it runs before the directory goes.
	t.Cleanup(func() {
		if g.proc != nil && g.proc.stop() {
			t.Logf("testenv: versitygw %s did not stop within %v; killed it", g.Endpoint, stopTimeout)
		}
		if t.Failed() {
			t.Logf("testenv: versitygw %s log:\n%s", g.Endpoint, g.log.String())
		}
	})
	for attempt := 1; ; attempt++ {
		g.Endpoint = net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))
		err := g.start(bin)
		if err == nil {
			return g
		}
		if errors.Is(err, errPortInUse) && attempt < 5 {
			t.Logf("testenv: %v; trying another port", err)
			continue
		}
		t.Fatalf("testenv: %v; versitygw log:\n%s", err, g.log.String())
	}
}

// start runs the server on g.Endpoint and waits until it answers. On error
// no process is left running.
func (g *VersityGW) start(bin string) error {
	cmd := exec.Command(bin, "--port", g.Endpoint, "--quiet", "posix", g.Dir)
	cmd.Env = append(versityEnv(),
		"ROOT_ACCESS_KEY="+g.AccessKey,
		"ROOT_SECRET_KEY="+g.SecretKey)
	cmd.Stdout = g.log
	cmd.Stderr = g.log
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = time.Second
	mark := g.log.Len()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	if err := waitS3(p, "http://"+g.Endpoint+"/"); err != nil {
		p.stop()
		if strings.Contains(strings.ToLower(g.log.Since(mark)), "already in use") {
			return fmt.Errorf("versitygw on %s: %w", g.Endpoint, errPortInUse)
		}
		return fmt.Errorf("versitygw on %s: %w", g.Endpoint, err)
	}
	g.proc = p
	return nil
}

// waitS3 polls url with an unsigned GET (a list of buckets) until the server
// answers with anything but a 5xx, such as 403.
func waitS3(p *process, url string) error {
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	defer client.CloseIdleConnections()
	return p.pollUntil(func() bool {
		st := statusOf(client, url)
		return st != 0 && st < 500
	})
}

// versityEnv is the test's environment without the settings versitygw
// reads (VGW_*, ROOT_*), so that only StartVersityGW's apply.
func versityEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VGW_") && !strings.HasPrefix(kv, "ROOT_") {
			env = append(env, kv)
		}
	}
	return env
}
