// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

// #include <stdlib.h>
// #include "native.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Intervals of the checks that bring writes back: how often a refused
// write asks RocksDB whether it has recovered, and how often Resume does
// while RocksDB's own recovery is in progress.
const (
	probeInterval = time.Second
	resumePoll    = 100 * time.Millisecond
)

// writeGate stops the Backend's writes after one fails with an error that
// RocksDB makes a background error of (an I/O error such as a full disk,
// or corruption), and lets them through again once RocksDB has recovered.
//
// Writes hold mu shared while they are in RocksDB, and check stopped
// under it; a recovery holds it exclusively, so that no write is in
// RocksDB while it runs, and a write that enters after a recovery sees
// its outcome. A recovery only tries the lock, so that a write stuck in
// RocksDB never blocks the writes behind it.
type writeGate struct {
	mu        sync.RWMutex
	stopped   atomic.Pointer[stopCause] // nil while writes flow
	lastProbe atomic.Int64              // time of the last automatic probe, in Unix nanoseconds
}

// stopCause is the error that stopped writes.
type stopCause struct{ err error }

// gateWrite lets a write named op on key through the gate, or refuses it
// with an error wrapping ErrWritesStopped. While writes are stopped, it
// first asks RocksDB, at most once per probeInterval across all writers,
// whether it has recovered. A nil error must be paired with b.leaveWrite.
func (b *Backend) gateWrite(op, key string) error {
	g := &b.gate
	if g.stopped.Load() != nil && !b.probe() {
		if c := g.stopped.Load(); c != nil {
			return errStopped(op, key, c.err)
		}
	}
	g.mu.RLock()
	if c := g.stopped.Load(); c != nil {
		g.mu.RUnlock()
		return errStopped(op, key, c.err)
	}
	return nil
}

// leaveWrite ends a write that enterWrite let through.
func (b *Backend) leaveWrite() {
	b.gate.mu.RUnlock()
	b.life.leave()
}

// writeError handles the error of a RocksDB write named op on key: an
// error that stops RocksDB's writes closes the gate before the write's
// caller learns of it, and wraps ErrWritesStopped.
func (b *Backend) writeError(op, key string, err error) error {
	if !stopsWrites(err) {
		return nativeError(op, key, err)
	}
	b.gate.stopped.CompareAndSwap(nil, &stopCause{err})
	return fmt.Errorf("%w: %w", ErrWritesStopped, nativeError(op, key, err))
}

// probe is the automatic recovery: if no probe ran in the last
// probeInterval, it runs one and reports whether writes flow again.
func (b *Backend) probe() bool {
	now := time.Now().UnixNano()
	last := b.gate.lastProbe.Load()
	if now-last < int64(probeInterval) || !b.gate.lastProbe.CompareAndSwap(last, now) {
		return false
	}
	return b.resumeOnce() == nil
}

// errWritesInFlight: resumeOnce found writes in RocksDB, and did not wait
// for them.
var errWritesInFlight = errors.New("writes in flight")

// resumeOnce asks RocksDB to resume (DB::Resume), with no write in
// RocksDB, and opens the gate if it did. It does not wait for writes in
// flight (one may be stuck in a RocksDB write stall): it returns
// errWritesInFlight instead. RocksDB answers at once that all is well when
// it has no background error (it may have recovered by itself), answers
// "Resource busy" while its own recovery is in progress (after a full
// disk: until the free space reaches the write buffer size), and
// otherwise tries to recover (it flushes the memtables), returning the
// error that prevents it.
func (b *Backend) resumeOnce() error {
	g := &b.gate
	if g.stopped.Load() == nil {
		return nil
	}
	if !g.mu.TryLock() {
		return errWritesInFlight
	}
	defer g.mu.Unlock()
	if g.stopped.Load() == nil {
		return nil
	}
	if err := cError(C.strata_resume(b.h.db)); err != nil {
		return err
	}
	g.stopped.Store(nil)
	return nil
}

// Resume brings writes back after they stopped (see ErrWritesStopped),
// and returns nil once they flow; it returns nil at once when they were
// not stopped. Writes also come back without it: a refused write asks
// RocksDB whether it recovered, at most once a second.
//
// While RocksDB's own recovery from a full disk is in progress, which
// waits until the free space on the database's file system reaches
// Options.WriteBufferSize, Resume waits for it, until ctx ends. For other
// errors it asks RocksDB to recover at once (RocksDB then flushes its
// memtables); if that fails, it returns the error, wrapping
// ErrWritesStopped, and writes stay stopped. Resume may be called at any
// time, concurrently with any method; it waits for the writes in RocksDB
// to end, until ctx ends.
func (b *Backend) Resume(ctx context.Context) error {
	if err := b.enter(ctx, "resume", ""); err != nil {
		return err
	}
	defer b.life.leave()
	for {
		err := b.resumeOnce()
		if err == nil {
			return nil
		}
		if err != errWritesInFlight && statusCode(err) != statusBusy {
			return fmt.Errorf("rocksdb: resume %q: %w: %w", b.dir, ErrWritesStopped, err)
		}
		t := time.NewTimer(resumePoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("rocksdb: resume %q: still stopped (%v; after a full disk, RocksDB waits for %d bytes free): %w: %w",
				b.dir, err, b.opts.WriteBufferSize, ErrWritesStopped, ctx.Err())
		case <-t.C:
		}
	}
}
