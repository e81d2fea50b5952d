// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"math/rand/v2"
	"time"
)

// Run publishes the replica's digest once per interval until ctx ends or
// the replica is closed (Close makes it return at once), and returns
// ctx.Err() or ErrClosed; its push loop has stopped by then. Unless
// Options.DisablePush is set, it also pushes local writes to the peers as
// they are applied, from a goroutine of its own (see the package doc). Publishing
// runs beside the loop, with a deadline of half an interval: a peer that
// does not answer never delays the next digest, and while one publish is
// still under way (a transport that ignores its context), the next is
// skipped and counted in Stats.PublishSkipped rather than piled up. Each digest
// goes out after the interval boundary plus PropagationDelay, plus a
// random jitter of up to a quarter of the time left before the next
// boundary, so that replicas do not publish in lock-step. Peers whose
// digests differ pull from this replica; this replica pulls from them when
// their digests reach HandleBroadcast. Time is read from the store's
// clock: with a fake clock, Run publishes as the fake time moves (it
// checks at least once per Interval of real time).
func (r *Replica) Run(ctx context.Context) error {
	if !r.cfg.DisablePush {
		// Run returns once the push loop has: nothing of it outlives Run.
		ctx, cancel := context.WithCancel(ctx)
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			r.pushLoop(ctx)
		}()
		defer func() {
			cancel()
			<-stopped
		}()
	}
	jitterMax := (r.cfg.intervalMs - r.cfg.delayMs) / 4
	published := r.reference() // the current digest is published after the next boundary
	for {
		nowMs := msOf(r.store.Clock().PhysicalNow())
		next := (floorDiv(nowMs-r.cfg.delayMs, r.cfg.intervalMs)+1)*r.cfg.intervalMs + r.cfg.delayMs
		next += rand.Int64N(max(jitterMax, 1))
		wait := min(time.Duration(next-nowMs)*time.Millisecond, r.cfg.Interval)
		timer := time.NewTimer(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-r.done:
			timer.Stop()
			return ErrClosed
		case <-timer.C:
		}
		if r.isClosed() {
			return ErrClosed
		}
		if L := r.reference(); L > published {
			published = L
			r.publishAsync(ctx)
		}
	}
}

// publishAsync publishes in a goroutine of its own, unless the previous
// publish has not returned yet.
func (r *Replica) publishAsync(ctx context.Context) {
	if !r.publishing.CompareAndSwap(false, true) {
		r.stats.publishSkipped.Add(1)
		r.cfg.Logger.Warn("antientropy: the previous digest is still being published; skipping this one", "replica", r.cfg.ID)
		return
	}
	go func() {
		defer r.publishing.Store(false)
		if err := r.Publish(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Logger.Warn("antientropy: publishing the digest failed", "replica", r.cfg.ID, "err", err)
		}
	}()
}
