// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// Tests that need a second process re-execute the test binary with
// childEnv set to "<mode> <dir>"; TestMain hands such a process to
// runChild instead of running the tests.
const childEnv = "STRATA_ROCKSDB_TEST_CHILD"

// runChild is the body of a child process; it never returns.
func runChild(spec string) {
	mode, dir, _ := strings.Cut(spec, " ")
	err := fmt.Errorf("unknown mode %q", mode)
	if run, ok := childModes[mode]; ok {
		err = run(dir)
	}
	fmt.Fprintln(os.Stderr, "child:", err)
	os.Exit(2)
}

// childModes are the bodies of child processes by mode; a body exits the
// process itself when it succeeds. Files of tests that need a child add
// theirs in init.
var childModes = map[string]func(dir string) error{
	"write": childWrite,
	"hold":  childHold,
}

// childWrite writes keys without Sync until it is killed, and prints each
// key on stdout once its write is acknowledged.
func childWrite(dir string) error {
	b, err := Open(dir, &Options{CreateIfMissing: true})
	if err != nil {
		return err
	}
	for i := 0; ; i++ {
		key := fmt.Sprintf("crash/%07d", i)
		if i%3 == 0 {
			err = b.WriteBatch(bg, []backend.Op{
				{Key: key, Entry: crashEntry(key)},
				{Key: key + "/tomb", Entry: backend.Entry{Timestamp: stamp(uint64(i + 1)), Deleted: true}},
			})
		} else {
			err = b.Put(bg, key, crashEntry(key))
		}
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(os.Stdout, key); err != nil {
			return err
		}
	}
}

func crashEntry(key string) backend.Entry {
	return backend.Entry{Value: []byte("value of " + key), Encoding: "text/plain", Timestamp: stamp(7)}
}

// childHold opens the database read-write, says "ready", and holds it
// until its stdin closes.
func childHold(dir string) error {
	b, err := Open(dir, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stdout, "ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := b.Close(bg); err != nil {
		return err
	}
	os.Exit(0)
	return nil
}

func startChild(t *testing.T, test, mode, dir string) (*exec.Cmd, *bufio.Scanner, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode+" "+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, bufio.NewScanner(stdout), stdin
}

// TestCrash kills a writing process with SIGKILL and checks that every
// write it acknowledged is in the database: without Sync, a write is in
// the operating system's page cache when it returns, which survives the
// death of the process (not a power loss).
func TestCrash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	cmd, out, _ := startChild(t, "TestCrash", "write", dir)
	var acked []string
	deadline := time.Now().Add(20 * time.Second)
	for len(acked) < 3000 && time.Now().Before(deadline) && out.Scan() {
		acked = append(acked, out.Text())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	for out.Scan() { // acknowledgements already in the pipe
		acked = append(acked, out.Text())
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, syscall.SIGKILL, exit.Sys().(syscall.WaitStatus).Signal(), "the child was killed, not failed")
	require.Greater(t, len(acked), 100, "the child wrote before it was killed")

	b, err := Open(dir, nil)
	require.NoError(t, err, "a killed process leaves a database that opens")
	defer b.Close(bg)
	for _, key := range acked {
		got, err := b.Get(bg, key)
		require.NoError(t, err, "acknowledged %q is lost", key)
		want := crashEntry(key)
		require.Equal(t, string(want.Value), string(got.Value))
		require.Equal(t, want.Timestamp, got.Timestamp)
		i, _ := strconv.Atoi(strings.TrimPrefix(key, "crash/"))
		if i%3 == 0 {
			tomb, err := b.Stat(bg, key+"/tomb")
			require.NoError(t, err, "the batch of %q is whole", key)
			require.True(t, tomb.Deleted)
		}
	}
	t.Logf("%d acknowledged writes survived SIGKILL", len(acked))
}

// TestLockedByAnotherProcess: a database that another process holds
// read-write cannot be opened read-write (ErrLocked, naming the process),
// but can be opened read-only.
func TestLockedByAnotherProcess(t *testing.T) {
	b, dir := openTemp(t, nil)
	require.NoError(t, b.Put(bg, "k", textEntry("v", 1)))
	require.NoError(t, b.Close(bg))

	cmd, out, stdin := startChild(t, "TestLockedByAnotherProcess", "hold", dir)
	require.True(t, out.Scan())
	require.Equal(t, "ready", out.Text())

	_, err := Open(dir, nil)
	require.ErrorIs(t, err, ErrLocked)
	require.ErrorContains(t, err, fmt.Sprintf("process %d", cmd.Process.Pid))

	ro, err := Open(dir, &Options{ReadOnly: true})
	require.NoError(t, err)
	got, err := ro.Get(bg, "k")
	require.NoError(t, err)
	require.Equal(t, "v", string(got.Value))
	require.NoError(t, ro.Close(bg))

	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait())
	rw, err := Open(dir, nil)
	require.NoError(t, err, "the lock went with the process")
	require.NoError(t, rw.Close(bg))
}
