// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/rocksdb"
)

var bg = context.Background()

// childEnv holds "<mode> <dir>" in a child process.
const childEnv = "STRATA_CRASHTEST_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		mode, dir, _ := strings.Cut(spec, " ")
		child, ok := children[mode]
		if !ok {
			fmt.Fprintf(os.Stderr, "child: unknown mode %q\n", mode)
			os.Exit(2)
		}
		err := child(dir)
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// children are the bodies of child processes by mode. Each prints its
// progress on stdout, one word a line, and never returns unless it fails.
var children = map[string]func(dir string) error{}

// openStore opens a store of keyExpr, without background collection,
// over the RocksDB database in dir, created if missing.
func openStore(dir, keyExpr string) (*strata.Store, error) {
	be, err := rocksdb.Open(dir, &rocksdb.Options{CreateIfMissing: true})
	if err != nil {
		return nil, err
	}
	return strata.Open(bg, be, &strata.Options{KeyExpr: keyExpr, GCInterval: -1})
}

// runUntil starts a child in mode over dir, waits until it prints line,
// kills it with SIGKILL and checks that it died of that signal.
func runUntil(t *testing.T, mode, dir, line string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode+" "+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	out := bufio.NewScanner(stdout)
	for out.Scan() {
		if out.Text() == line {
			break
		}
	}
	require.Equal(t, line, out.Text(), "the child stopped before %q", line)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, syscall.SIGKILL, exit.Sys().(syscall.WaitStatus).Signal(), "the child was killed, not failed")
}

func say(word string) { fmt.Fprintln(os.Stdout, word) }
