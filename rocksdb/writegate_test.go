// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
)

// errInjected is an error as RocksDB reports a failed write to a full
// disk.
var errInjected = errors.New("IO error: No space left on device: injected")

// writes are the Backend's write methods, each writing key.
var writes = map[string]func(b *Backend, key string) error{
	"Put":    func(b *Backend, key string) error { return b.Put(bg, key, textEntry("new", 2)) },
	"Remove": func(b *Backend, key string) error { return b.Remove(bg, key) },
	"WriteBatch": func(b *Backend, key string) error {
		return b.WriteBatch(bg, []backend.Op{{Key: key, Entry: textEntry("new", 2)}})
	},
	"PutMeta": func(b *Backend, key string) error { return b.PutMeta(bg, key, []byte("new")) },
	"PutIfNewer": func(b *Backend, key string) error {
		_, err := b.PutIfNewer(bg, key, textEntry("new", 2))
		return err
	},
	"WriteBatchIfNewer": func(b *Backend, key string) error {
		return b.WriteBatchIfNewer(bg, []backend.Op{{Key: key, Entry: textEntry("new", 2)}}, make([]backend.Prior, 1))
	},
}

// TestNewerWriterStopped: while writes are stopped (and over a read-only
// backend), a NewerWriter call that has nothing to write answers as Stat
// would, with or without the cache; one that has is refused, and leaves
// the key's state as it was.
func TestNewerWriterStopped(t *testing.T) {
	for _, entries := range []int{0, -1} {
		dir := filepath.Join(t.TempDir(), "db")
		b, err := Open(dir, &Options{CreateIfMissing: true, MetaCacheEntries: entries})
		require.NoError(t, err)
		require.NoError(t, b.Put(bg, "k", textEntry("v", 5)))
		stopWrites(b, errInjected)
		older := textEntry("old", 4)
		p, err := b.PutIfNewer(bg, "k", older)
		require.NoError(t, err, "cache entries %d", entries)
		require.Equal(t, backend.Prior{Entry: backend.Entry{Encoding: "text/plain", Timestamp: stamp(5)}, Found: true}, p)
		require.NoError(t, b.WriteBatchIfNewer(bg, []backend.Op{{Key: "k", Entry: older}}, make([]backend.Prior, 1)))
		_, err = b.PutIfNewer(bg, "k", textEntry("new", 6))
		require.ErrorIs(t, err, ErrWritesStopped)
		// The refused write left no trace in the cache, which PutIfNewer
		// updates before it writes.
		got, err := b.Stat(bg, "k")
		require.NoError(t, err)
		require.Equal(t, stamp(5), got.Timestamp)
		require.NoError(t, b.Close(bg))

		b, err = Open(dir, &Options{ReadOnly: true, MetaCacheEntries: entries})
		require.NoError(t, err)
		p, err = b.PutIfNewer(bg, "k", older)
		require.NoError(t, err)
		require.False(t, p.Written)
		_, err = b.PutIfNewer(bg, "k", textEntry("new", 6))
		require.ErrorIs(t, err, backend.ErrReadOnly)
		require.NoError(t, b.Close(bg))
	}
}

// stopWrites closes the gate as a write failing with err would, and
// returns that write's error. No automatic probe is due for a minute.
func stopWrites(b *Backend, err error) error {
	b.gate.lastProbe.Store(time.Now().Add(time.Minute).UnixNano())
	return b.writeError("put", "failed", err)
}

func TestWriteErrorsThatStopWrites(t *testing.T) {
	b, _ := openTemp(t, nil)
	err := b.writeError("put", "k", errors.New("Invalid argument: not a stopping error"))
	require.NotErrorIs(t, err, ErrWritesStopped)
	require.Nil(t, b.gate.stopped.Load(), "writes flow")

	err = stopWrites(b, errors.New("Corruption: bad block"))
	require.ErrorIs(t, err, ErrWritesStopped)
	require.ErrorIs(t, err, backend.ErrCorrupt)
	require.NoError(t, b.Resume(bg))

	err = stopWrites(b, errInjected)
	require.ErrorIs(t, err, ErrWritesStopped)
	require.ErrorContains(t, err, `put "failed"`)
	require.ErrorContains(t, err, "No space left on device")
}

// TestWritesStopped: after a write fails with an I/O error, every write
// is refused with ErrWritesStopped without reaching RocksDB, reads keep
// working, and Resume brings writes back.
func TestWritesStopped(t *testing.T) {
	b, _ := openTemp(t, nil)
	require.NoError(t, b.Put(bg, "kept", textEntry("v", 1)))
	require.NoError(t, b.PutMeta(bg, "meta", []byte("m")))
	require.NoError(t, b.Resume(bg), "Resume while writes flow")

	stopWrites(b, errInjected)
	for name, write := range writes {
		err := write(b, "kept")
		require.ErrorIs(t, err, ErrWritesStopped, name)
		require.ErrorContains(t, err, `"kept": refused`, name)
		require.ErrorContains(t, err, "injected", "%s names the error that stopped writes", name)
	}
	got, err := b.Get(bg, "kept")
	require.NoError(t, err, "no refused write reached RocksDB")
	require.Equal(t, textEntry("v", 1), got)
	_, err = b.GetMeta(bg, "kept")
	require.ErrorIs(t, err, backend.ErrNotFound, "the refused PutMeta did not reach RocksDB")
	_, err = b.Stat(bg, "kept")
	require.NoError(t, err)
	n := 0
	for _, err := range b.Scan(bg, "", nil) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 1, n)
	m, err := b.GetMeta(bg, "meta")
	require.NoError(t, err)
	require.Equal(t, "m", string(m))

	require.NoError(t, b.Resume(bg))
	for name, write := range writes {
		require.NoError(t, write(b, "after/"+name), name)
	}
	got, err = b.Get(bg, "after/Put")
	require.NoError(t, err)
	require.Equal(t, "new", string(got.Value))
}

// TestWritesComeBackByThemselves: a refused write asks RocksDB whether it
// recovered once the probe interval has passed since the last probe.
func TestWritesComeBackByThemselves(t *testing.T) {
	b, _ := openTemp(t, nil)
	stopWrites(b, errInjected)
	require.ErrorIs(t, b.Put(bg, "k", textEntry("v", 1)), ErrWritesStopped, "no probe due")
	b.gate.lastProbe.Store(time.Now().Add(-probeInterval).UnixNano())
	require.NoError(t, b.Put(bg, "k", textEntry("v", 1)), "the probe found RocksDB without a background error")
	require.Nil(t, b.gate.stopped.Load())
}

func TestResumeClosedOrReadOnly(t *testing.T) {
	b, dir := openTemp(t, nil)
	require.NoError(t, b.Close(bg))
	require.ErrorIs(t, b.Resume(bg), backend.ErrClosed)
	ro, err := Open(dir, &Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close(bg)
	require.NoError(t, ro.Resume(bg))
	ctx, cancel := context.WithCancel(bg)
	cancel()
	require.ErrorIs(t, ro.Resume(ctx), context.Canceled)
}

// TestResumeWithAWriteStuck: Resume does not wait past its context for a
// write that is stuck in RocksDB, and refused writes do not queue behind
// it.
func TestResumeWithAWriteStuck(t *testing.T) {
	b, _ := openTemp(t, nil)
	stopWrites(b, errInjected)
	b.gate.mu.RLock() // a write in RocksDB
	ctx, cancel := context.WithTimeout(bg, 3*resumePoll)
	defer cancel()
	err := b.Resume(ctx)
	require.ErrorIs(t, err, ErrWritesStopped)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "writes in flight")
	require.ErrorIs(t, b.Put(bg, "k", textEntry("v", 1)), ErrWritesStopped)
	b.gate.mu.RUnlock()
	require.NoError(t, b.Resume(bg))
	require.NoError(t, b.Put(bg, "k", textEntry("v", 1)))
}

// TestWritesStopAndResumeConcurrently runs writers while writes stop and
// resume, for the race detector: every write succeeds or is refused with
// ErrWritesStopped, and every acknowledged one is stored.
func TestWritesStopAndResumeConcurrently(t *testing.T) {
	b, _ := openTemp(t, nil)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked []string
		done  = make(chan struct{})
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				key := fmt.Sprintf("w%d/%06d", w, i)
				err := writes["Put"](b, key)
				if err != nil {
					assert.ErrorIs(t, err, ErrWritesStopped)
					continue
				}
				mu.Lock()
				acked = append(acked, key)
				mu.Unlock()
			}
		})
	}
	for range 10 {
		stopWrites(b, errInjected)
		time.Sleep(time.Millisecond)
		require.NoError(t, b.Resume(bg))
		time.Sleep(time.Millisecond)
	}
	close(done)
	wg.Wait()
	require.NotEmpty(t, acked)
	for _, key := range acked {
		_, err := b.Get(bg, key)
		require.NoError(t, err, "acknowledged %q", key)
	}
}

// TestInfoLog: RocksDB's info log is in the file LOG of the database, and
// is renamed LOG.old past its size limit.
func TestInfoLog(t *testing.T) {
	defer func(n int) { infoLogSize = n }(infoLogSize)
	infoLogSize = 16 << 10
	b, dir := openTemp(t, nil)
	require.NoError(t, b.Close(bg))
	log, err := os.ReadFile(filepath.Join(dir, "LOG"))
	require.NoError(t, err)
	old, err := os.ReadFile(filepath.Join(dir, "LOG.old"))
	require.NoError(t, err, "RocksDB logs more than 16 KiB at open")
	require.Contains(t, string(old), "RocksDB version: 7.")
	require.LessOrEqual(t, len(log), infoLogSize)
	require.LessOrEqual(t, len(old), infoLogSize)
	last := strings.TrimSpace(string(log))
	require.Contains(t, last[strings.LastIndexByte(last, '\n')+1:], "Shutdown complete")
}

// TestStoreWritesStopped: a Store's users see ErrWritesStopped through
// the Store's errors, reads through the Store keep working, and writes
// work again after Resume.
func TestStoreWritesStopped(t *testing.T) {
	b, _ := openTemp(t, nil)
	s, err := strata.Open(bg, b, &strata.Options{KeyExpr: "demo/**"})
	require.NoError(t, err)
	defer s.Close(bg)
	_, err = s.Put(bg, "demo/a", []byte("1"))
	require.NoError(t, err)

	stopWrites(b, errInjected)
	_, err = s.Put(bg, "demo/a", []byte("2"))
	require.ErrorIs(t, err, ErrWritesStopped)
	_, err = s.Delete(bg, "demo/a")
	require.ErrorIs(t, err, ErrWritesStopped)
	require.Equal(t, "1", storeValue(t, s, "demo/a"), "reads work")

	require.NoError(t, b.Resume(bg))
	_, err = s.Put(bg, "demo/a", []byte("3"))
	require.NoError(t, err)
	require.Equal(t, "3", storeValue(t, s, "demo/a"))
}

func storeValue(t *testing.T, s *strata.Store, key string) string {
	t.Helper()
	var vals []string
	for smp, err := range s.Get(bg, key) {
		require.NoError(t, err)
		vals = append(vals, string(smp.Value))
	}
	require.Len(t, vals, 1)
	return vals[0]
}
