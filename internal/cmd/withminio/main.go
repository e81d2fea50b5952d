// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Command withminio runs a command with a private MinIO server, the one
// that `make test` and `make bench` share between test packages:
//
//	go run ./internal/cmd/withminio go test ./...
//
// It starts MinIO (internal/testenv's StartMinIO: free 127.0.0.1 ports, a
// fresh temporary directory, random credentials, ready when it serves S3
// requests), runs the command with
//
//	STRATA_S3_ENDPOINT    host:port of the server (plain http)
//	STRATA_S3_ACCESS_KEY  access key
//	STRATA_S3_SECRET_KEY  secret key
//	STRATA_MINIO_BIN      the MinIO binary, for tests that start their own
//
// and always stops the server and removes its directory afterwards,
// exiting with the command's status. The binary is $STRATA_MINIO_BIN,
// else .tools/bin/minio (make deps builds it). Its messages go to stderr,
// so the command's stdout stays clean.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/stratakv/strata/internal/testenv"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: withminio CMD [ARGS...]")
		os.Exit(2)
	}
	r := &runner{}
	defer r.cleanup()
	bin := testenv.MinIOBinary(r)
	m := testenv.StartMinIO(r, nil)
	r.Logf("MinIO ready on %s", m.Endpoint)

	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		testenv.EnvS3Endpoint+"="+m.Endpoint,
		testenv.EnvS3AccessKey+"="+m.AccessKey,
		testenv.EnvS3SecretKey+"="+m.SecretKey,
		testenv.EnvMinIOBin+"="+bin)
	if err := cmd.Start(); err != nil {
		r.Fatalf("%v", err)
	}
	// Pass interrupts on, and stop the server once the command is done.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range sig {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	signal.Stop(sig)
	code := 0
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		code = exit.ExitCode()
		if code < 0 {
			code = 1 // killed by a signal
		}
	} else if err != nil {
		r.Logf("%v", err)
		code = 1
	}
	r.cleanup()
	os.Exit(code)
}

// runner is the testenv.T of a program: fatal errors stop it after its
// cleanups, and temporary directories go with them.
type runner struct {
	cleanups []func()
	failed   bool
}

func (r *runner) Helper()          {}
func (r *runner) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *runner) Failed() bool     { return r.failed }

func (r *runner) TempDir() string {
	dir, err := os.MkdirTemp("", "strata-minio-")
	if err != nil {
		r.Fatalf("%v", err)
	}
	r.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (r *runner) Logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "withminio: "+format+"\n", args...)
}

func (r *runner) Fatalf(format string, args ...any) {
	r.failed = true
	r.Logf("error: "+format, args...)
	r.cleanup()
	os.Exit(1)
}

// Skipf: what a test would skip for (no MinIO binary) is an error here.
func (r *runner) Skipf(format string, args ...any) { r.Fatalf(format, args...) }

// cleanup runs the cleanups, last registered first, once.
func (r *runner) cleanup() {
	for len(r.cleanups) > 0 {
		f := r.cleanups[len(r.cleanups)-1]
		r.cleanups = r.cleanups[:len(r.cleanups)-1]
		f()
	}
}
