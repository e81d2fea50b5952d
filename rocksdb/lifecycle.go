// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import "sync/atomic"

// closedBit marks lifecycle.state once Close has begun; the bits below it
// count the operations in flight.
const closedBit = 1 << 62

// lifecycle counts the operations in flight and runs release exactly once,
// when Close has begun and the last of them has ended. Entering and leaving
// cost one atomic add each, so operations never contend on a lock.
type lifecycle struct {
	state    atomic.Int64
	released atomic.Bool
	done     chan struct{} // closed after release has run
	release  func() error
	err      error // what release returned; read after done
}

func newLifecycle(release func() error) *lifecycle {
	return &lifecycle{done: make(chan struct{}), release: release}
}

// enter registers an operation. It reports false, registering nothing,
// once Close has begun.
func (l *lifecycle) enter() bool {
	if l.state.Add(1)&closedBit != 0 {
		l.leave()
		return false
	}
	return true
}

// leave ends an operation that enter registered (or undoes a refused one).
func (l *lifecycle) leave() {
	if l.state.Add(-1) == closedBit {
		l.finish()
	}
}

// close begins closing: enter refuses new operations from now on. It
// reports whether this call began it. release runs now if nothing is in
// flight, else when the last operation leaves.
func (l *lifecycle) close() (first bool) {
	old := l.state.Or(closedBit)
	if old&closedBit != 0 {
		return false
	}
	if old == 0 {
		l.finish()
	}
	return true
}

func (l *lifecycle) finish() {
	if l.released.CompareAndSwap(false, true) {
		l.err = l.release()
		close(l.done)
	}
}
