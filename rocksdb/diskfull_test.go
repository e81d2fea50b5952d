// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package rocksdb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// The full-disk tests fill a small tmpfs with 4 concurrent writers in a
// child process. The file system holds a ballast file besides the
// database, which the test removes to free space.
const (
	fullDiskSize    = "24m"
	fullBallast     = 8 << 20
	fullWriteBuffer = 4 << 20 // RocksDB resumes with this much free
	fullWriters     = 4
	fullRefusals    = 20 // writes each writer tries after its first failure
	fullAfter       = 100
)

func init() {
	for _, mode := range []string{"stop", "resume", "auto"} {
		childModes["fill-"+mode] = func(dir string) error { return childFill(dir, mode) }
	}
}

// fullValue is the value written under key: 1 KiB that compression
// cannot shrink, derived from the key.
func fullValue(key string) []byte {
	h := fnv.New64a()
	h.Write([]byte(key))
	r := rand.New(rand.NewPCG(h.Sum64(), 1))
	v := make([]byte, 1024)
	for i := 0; i < len(v); i += 8 {
		u := r.Uint64()
		for j := range 8 {
			v[i+j] = byte(u >> (8 * j))
		}
	}
	return v
}

func fullEntry(key string) backend.Entry {
	return backend.Entry{Value: fullValue(key), Timestamp: stamp(9)}
}

// childFill fills the file system of dir with fullWriters concurrent
// writers, reporting on stdout each write as "ack KEY" (acknowledged),
// "fail KEY" (a writer's first failure), "refused KEY" (a later one) or
// "bad KEY ERROR" (an error that does not wrap ErrWritesStopped). After
// each writer saw fullRefusals refusals, it checks that reads still work,
// prints "full" and waits for a line on stdin (the parent freed space).
// In mode stop, the database has the default options, and there is
// never enough free space for RocksDB to recover: Resume must fail. In
// modes resume and auto, writes come back, with Resume or by themselves,
// and it writes fullAfter more keys. Then it closes the database and
// exits 0.
func childFill(dir string, mode string) error {
	opts := &Options{CreateIfMissing: true, WriteBufferSize: fullWriteBuffer}
	if mode == "stop" {
		opts.WriteBufferSize = 0
	}
	b, err := Open(dir, opts)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	write := func(key string, i int) error {
		if i%5 == 0 {
			return b.WriteBatch(bg, []backend.Op{{Key: key, Entry: fullEntry(key)}})
		}
		return b.Put(bg, key, fullEntry(key))
	}
	var wg sync.WaitGroup
	for w := range fullWriters {
		wg.Go(func() {
			failed, refusals := false, 0
			for i := 0; refusals < fullRefusals; i++ {
				key := fmt.Sprintf("full/%d/%07d", w, i)
				err := write(key, i)
				switch {
				case err == nil:
					report("ack %s", key)
				case !errors.Is(err, ErrWritesStopped):
					report("bad %s %v", key, err)
					return
				case !failed:
					failed = true
					report("fail %s", key)
				default:
					refusals++
					report("refused %s", key)
				}
			}
		})
	}
	wg.Wait()
	for w := range fullWriters {
		key := fmt.Sprintf("full/%d/%07d", w, 0)
		if _, err := b.Get(bg, key); err != nil {
			return fmt.Errorf("read while writes are stopped: %w", err)
		}
	}
	report("full")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	if mode == "stop" {
		ctx, cancel := context.WithTimeout(bg, 2*probeInterval)
		defer cancel()
		err := b.Resume(ctx)
		if !errors.Is(err, ErrWritesStopped) || !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("Resume without enough free space returned %v", err)
		}
		report("stayed")
		if err := write("after/0000", 0); !errors.Is(err, ErrWritesStopped) {
			return fmt.Errorf("a write after a failed Resume returned %v", err)
		}
		if err := b.Close(bg); err != nil {
			return err
		}
		report("closed")
		os.Exit(0)
	}
	resume := mode == "resume"
	ctx, cancel := context.WithTimeout(bg, time.Minute)
	defer cancel()
	if resume {
		if err := b.Resume(ctx); err != nil {
			return err
		}
		report("resumed")
	}
	for i := range fullAfter {
		key := fmt.Sprintf("after/%04d", i)
		for {
			err := write(key, i)
			if err == nil {
				break
			}
			if !errors.Is(err, ErrWritesStopped) || resume || ctx.Err() != nil {
				report("bad %s %v", key, err)
				return err
			}
			time.Sleep(20 * time.Millisecond) // until writes come back by themselves
		}
		report("ack %s", key)
	}
	if err := b.Close(bg); err != nil {
		return err
	}
	report("closed")
	os.Exit(0)
	return nil
}

// mountTmpfs mounts a tmpfs of size on a temporary directory, unmounted
// at cleanup, or skips the test when it cannot.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): needs CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// TestDiskFull fills a 24 MiB file system with 4 concurrent writers in a
// child process. The child must not abort (Debian's RocksDB, built with
// assertions, did: SIGABRT in its info logger); once a write failed,
// every later one must be refused with ErrWritesStopped while reads keep
// working; every acknowledged write must be in the database when it is
// reopened. Mode stop has the default options, with which RocksDB needs
// 64 MiB free to recover: Resume must give up with ErrWritesStopped. In
// modes resume and auto, with a write buffer of 4 MiB, the test frees
// 8 MiB and writes must come back, with Resume or by themselves.
func TestDiskFull(t *testing.T) {
	for _, mode := range []string{"stop", "resume", "auto"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			mnt := mountTmpfs(t, fullDiskSize)
			ballast := filepath.Join(mnt, "ballast")
			if mode != "stop" {
				require.NoError(t, os.WriteFile(ballast, make([]byte, fullBallast), 0o644))
			}
			dir := filepath.Join(mnt, "db")
			cmd, out, stdin := startChild(t, "TestDiskFull", "fill-"+mode, dir)

			acked := map[string]bool{}
			counts := map[string]int{}
			for out.Scan() {
				what, rest, _ := strings.Cut(out.Text(), " ")
				counts[what]++
				switch what {
				case "ack":
					acked[rest] = true
				case "bad":
					t.Errorf("a write failed without ErrWritesStopped: %s", rest)
				case "full":
					if mode != "stop" {
						require.NoError(t, os.Remove(ballast))
					}
					_, err := io.WriteString(stdin, "go\n")
					require.NoError(t, err)
				}
			}
			err := cmd.Wait()
			var exit *exec.ExitError
			if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
				t.Fatalf("the child died of %v", exit.Sys().(syscall.WaitStatus).Signal())
			}
			require.NoError(t, err, "the child failed (its stderr says why)")
			require.Equal(t, 1, counts["full"])
			require.Equal(t, 1, counts["closed"])
			require.Positive(t, counts["fail"], "the disk filled up")
			require.GreaterOrEqual(t, counts["refused"], fullWriters*fullRefusals,
				"every write after a writer's first failure was refused")
			after := 0
			switch mode {
			case "stop":
				require.Equal(t, 1, counts["stayed"])
			case "resume":
				require.Equal(t, 1, counts["resumed"])
				fallthrough
			default:
				after = fullAfter
				for i := range fullAfter {
					require.True(t, acked[fmt.Sprintf("after/%04d", i)], "writes came back")
				}
			}

			// A read-write open replays the log into table files, which
			// needs free space: on the disk that is still full (stop), the
			// data is read read-only.
			b, err := Open(dir, &Options{ReadOnly: mode == "stop"})
			require.NoError(t, err, "the database opens after the full disk")
			defer b.Close(bg)
			for key := range acked {
				got, err := b.Get(bg, key)
				require.NoError(t, err, "acknowledged %q is lost", key)
				require.Equal(t, fullValue(key), got.Value, "value of %q", key)
			}
			t.Logf("%d acknowledged writes (%d before the disk filled), %d refused, all read back after reopening",
				len(acked), len(acked)-after, counts["refused"])
		})
	}
}
