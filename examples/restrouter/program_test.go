// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/internal/testenv"
)

// TestProgramWithoutCgo builds the command without cgo, runs it, and stops
// it with SIGTERM: it serves the key/value API, refuses a RocksDB store
// with a clear message, and exits 0 after a graceful shutdown.
func TestProgramWithoutCgo(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "restrouter")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	out, err = exec.Command(bin, "-store", "rocksdb:db?create=true").CombinedOutput()
	require.Error(t, err)
	require.Equal(t, 2, err.(*exec.ExitError).ExitCode())
	require.Contains(t, string(out), "built without cgo")

	addr := "127.0.0.1:" + strconv.Itoa(testenv.FreePort(t))
	cmd := exec.Command(bin, "-listen", addr)
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	base := "http://" + addr
	require.Eventually(t, func() bool {
		select {
		case err := <-exited:
			t.Fatalf("restrouter exited: %v", err)
		default:
		}
		resp, err := http.Get(base + statsPath)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 20*time.Second, 20*time.Millisecond)
	code, _ := request(t, "PUT", base+"/demo/robot/1", "docked")
	require.Equal(t, 200, code)
	code, body := request(t, "GET", base+"/demo/robot/1?_raw", "")
	require.Equal(t, 200, code)
	require.Equal(t, "docked", body)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, <-exited, "exit status after SIGTERM")
}
