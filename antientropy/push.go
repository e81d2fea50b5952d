// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// Live push: the Watch hook queues the samples the store applies from
// local writes (Put, Delete, or an Apply that did not come from this
// replica) into a bounded buffer; a loop that Run starts sends what is
// queued in push messages over Transport.Broadcast, as many samples as
// fit in one message each; peers apply them with Store.ApplyBatch. The
// hook never waits: when the buffer is full (a slow transport, a burst
// of writes), the sample is dropped and counted, and the next alignment
// repairs the difference. Batching is by backlog: a message goes as soon
// as the previous one has been handed to the transport, with everything
// queued meanwhile, so that a lone write leaves at once and a burst goes
// in a few large messages.
//
// A sample the replica applies itself (received by push, fetch or pull)
// is not pushed again: the replica notes the timestamps and keys it is
// applying, and the hook skips samples that carry one of the timestamps
// (the sample, or the tombstones of a received wildcard delete), and
// deletes of one of the keys (the tombstone that a received put
// materializes when it loses to a remembered wildcard delete). A local
// delete of a key at the very moment a sample of it is applied from a
// peer is so not pushed: the next alignment carries it. A wildcard
// delete's tombstones are not pushed either: peers write them when they
// apply the delete, which is pushed.

// queued is a sample queued for pushing; a large value (size > 0) goes
// as a marker, and the peers fetch it in chunks.
type queued struct {
	strata.Sample
	size int
}

// pushOverhead is what the buffer counts for a queued sample besides its
// key, value and encoding.
const pushOverhead = 64

// pusher is the push buffer and what the replica is applying.
type pusher struct {
	mu       sync.Mutex
	queue    []queued
	bytes    int                   // of the queue, as pushCost counts
	maxBytes int                   // bound of bytes
	applying map[hlc.Timestamp]int // timestamps of samples being applied from peers
	keys     map[string]int        // and their keys
	lastWild hlc.Timestamp         // the latest wildcard delete queued
	arena    []byte                // where queued values are copied
	batch    []queued              // what take cuts off the queue; under sending
	wake     chan struct{}
	sending  sync.Mutex // one push message at a time, in queue order
	disabled bool
	peerMin  atomic.Int64   // the smallest message limit a peer announced
	tooLarge *atomic.Uint64 // Stats.PushTooLarge
}

func newPusher(c *config, tooLarge *atomic.Uint64) *pusher {
	return &pusher{
		tooLarge: tooLarge,
		maxBytes: pushBufferMessages * c.MaxMessageSize,
		applying: map[hlc.Timestamp]int{},
		keys:     map[string]int{},
		wake:     make(chan struct{}, 1),
		disabled: c.DisablePush,
	}
}

// arenaSize is the size of the buffers queued values are copied into.
const arenaSize = 64 << 10

// pushBufferMessages is the push buffer's bound, in messages of
// MaxMessageSize.
const pushBufferMessages = 4

func pushCost(smp *strata.Sample) int {
	return len(smp.Key) + len(smp.Value) + len(smp.Encoding) + pushOverhead
}

// offer queues smp for pushing, unless the replica is applying it from a
// peer, it is a wildcard delete's tombstone, its key does not fit in one
// push message, or the buffer is full (dropped, counted). A value that
// does not fit in one push message is queued as a marker, without being
// copied. It runs in the Watch hook: it never waits but for
// the buffer's mutex.
func (r *Replica) offer(smp strata.Sample) {
	p := r.push
	if p.disabled {
		return
	}
	q := queued{Sample: smp}
	if sampleSize(&smp) > r.pushLimit()-headerSize-64 {
		if smp.Kind != strata.KindPut || largeSize(&smp) > r.pushLimit()-headerSize-64 {
			r.stats.pushTooLarge.Add(1)
			return
		}
		q.size, q.Value = len(smp.Value), nil
	}
	cost := pushCost(&q.Sample)
	p.mu.Lock()
	if p.applying[smp.Timestamp] > 0 || (smp.Kind == strata.KindDelete && p.keys[smp.Key] > 0) {
		// Received, or the tombstone that a received put materialized
		// (it lost to a wildcard delete that the peers have too).
		p.mu.Unlock()
		return
	}
	if smp.Kind == strata.KindDelete {
		if isWild(smp.Key) {
			p.lastWild = smp.Timestamp
		} else if smp.Timestamp == p.lastWild {
			p.mu.Unlock()
			return
		}
	}
	if p.bytes+cost > p.maxBytes {
		p.mu.Unlock()
		r.stats.pushDropped.Add(1)
		return
	}
	p.bytes += cost
	if v := q.Value; len(v) > arenaSize/4 {
		// A large value is copied outside the mutex, so that other
		// writers do not wait for the copy; its bytes are reserved.
		p.mu.Unlock()
		q.Value = bytes.Clone(v)
		p.mu.Lock()
	} else if len(v) > 0 {
		// Small values are copied into one buffer, not one allocation
		// each.
		if cap(p.arena)-len(p.arena) < len(v) {
			p.arena = make([]byte, 0, arenaSize)
		}
		start := len(p.arena)
		p.arena = append(p.arena, v...)
		q.Value = p.arena[start:len(p.arena):len(p.arena)]
	}
	p.queue = append(p.queue, q)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// track notes that the replica is about to apply samples received from a
// peer, so that the hook does not push them back; the returned function
// ends that.
func (p *pusher) track(samples []strata.Sample) func() {
	if p.disabled || len(samples) == 0 {
		return func() {}
	}
	p.mu.Lock()
	for i := range samples {
		p.applying[samples[i].Timestamp]++
		p.keys[samples[i].Key]++
	}
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for i := range samples {
			ts, key := samples[i].Timestamp, samples[i].Key
			if p.applying[ts]--; p.applying[ts] <= 0 {
				delete(p.applying, ts)
			}
			if p.keys[key]--; p.keys[key] <= 0 {
				delete(p.keys, key)
			}
		}
	}
}

// pushLimit is the size of push messages: MaxMessageSize, or the smallest
// limit a peer announced in its digest if that is smaller (a push goes
// to every peer at once).
func (r *Replica) pushLimit() int {
	if m := int(r.push.peerMin.Load()); m >= MinMessageSize && m < r.cfg.MaxMessageSize {
		return m
	}
	return r.cfg.MaxMessageSize
}

// notePeerLimit records the message limit a peer announced.
func (p *pusher) notePeerLimit(limit int) {
	for {
		cur := p.peerMin.Load()
		if cur != 0 && cur <= int64(limit) {
			return
		}
		if p.peerMin.CompareAndSwap(cur, int64(limit)) {
			return
		}
	}
}

// take removes from the queue the first samples that fit in one push
// message of limit bytes and returns them written. The buffer's mutex
// (which writers take in the hook) is held only to cut the queue; the
// samples are encoded after.
func (p *pusher) take(limit int) *sampleWriter {
	budget := limit - headerSize - 64
	p.mu.Lock()
	n, size := 0, 0
	for n < len(p.queue) {
		q := &p.queue[n]
		need := sampleSize(&q.Sample)
		if q.size > 0 {
			need = largeSize(&q.Sample)
		}
		if size+need > budget {
			if n == 0 {
				// Queued before a peer announced a smaller limit: it
				// no longer fits, and goes by alignment.
				p.bytes -= pushCost(&q.Sample)
				p.queue = p.queue[1:]
				p.tooLarge.Add(1)
				continue
			}
			break
		}
		size += need + 17 + 3 + len(q.Encoding) // a new clock ID and encoding, at worst
		p.bytes -= pushCost(&q.Sample)
		n++
	}
	batch := append(p.batch[:0], p.queue[:n]...)
	if n == len(p.queue) {
		clear(p.queue)
		p.queue = p.queue[:0]
	} else {
		clear(p.queue[:n])
		p.queue = p.queue[n:]
	}
	p.mu.Unlock()
	w := newSampleWriter()
	w.body = make([]byte, 0, size)
	for i := range batch {
		if q := &batch[i]; q.size > 0 {
			w.addLarge(&q.Sample, q.size)
		} else {
			w.add(&q.Sample)
		}
	}
	clear(batch)
	p.batch = batch[:0] // only the push loop, under sending, takes
	return w
}

// Push broadcasts the samples queued for pushing now, in as many push
// messages as they need, each with a deadline of RequestTimeout. Run
// pushes on its own as writes come; tests and simulations call Push to
// step by hand. With Options.DisablePush, it does nothing.
func (r *Replica) Push(ctx context.Context) error {
	if r.isClosed() {
		return ErrClosed
	}
	p := r.push
	p.sending.Lock()
	defer p.sending.Unlock()
	for {
		limit := r.pushLimit()
		w := p.take(limit)
		if w.n == 0 {
			return nil
		}
		msg := w.append(appendHeader(make([]byte, 0, headerSize+w.size()), msgPush, r.cfg.hdr()))
		w.body = nil
		r.stats.sent(len(msg))
		r.stats.pushesSent.Add(1)
		r.stats.samplesPushed.Add(uint64(w.n))
		bctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
		err := r.t.Broadcast(bctx, msg)
		cancel()
		if err != nil {
			return fmt.Errorf("antientropy: broadcasting a push: %w", err)
		}
	}
}

// pushLinger is how long the push loop waits, once woken by a write, for
// more writes to send with it.
const pushLinger = 500 * time.Microsecond

// pushLoop pushes as writes come, until ctx ends or the replica closes.
func (r *Replica) pushLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.push.wake:
		}
		// Let a burst gather: one message for many writes costs the
		// writers' process and the peers less than one per write.
		t := time.NewTimer(pushLinger)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if err := r.Push(ctx); err != nil {
			if r.isClosed() {
				return
			}
			if ctx.Err() == nil {
				r.cfg.Logger.Debug("antientropy: push failed", "replica", r.cfg.ID, "err", err)
			}
		}
	}
}

// handlePush applies the samples of a push message from peer from.
func (r *Replica) handlePush(ctx context.Context, from string, msg []byte) error {
	kind, fp, rd := readHeader(msg, r.cfg.MaxMessageSize)
	if rd.err == nil && kind != msgPush {
		rd.fail("message kind %d, want a push", kind)
	}
	if err := r.check(from, fp, rd); err != nil {
		return err
	}
	samples, large := readSamples(rd, false)
	rd.end()
	if rd.err != nil {
		r.stats.malformed.Add(1)
		return rd.err
	}
	r.stats.pushesRecv.Add(1)
	r.stats.samplesPushedIn.Add(uint64(len(samples)))
	a := &alignment{r: r, peer: from, limit: r.limitWith(rd.peerLimit), work: maxWorkBase}
	if _, err := a.applySamples(ctx, samples); err != nil {
		return err
	}
	// Large values come as markers: fetched from the pusher at once.
	if err := a.spend(len(large)); err != nil {
		return err
	}
	a.large = large
	return a.fetchLarge(ctx)
}
