// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// Live push: the Watch hook queues the samples the store applies from
// local writes (Put, Delete, or an Apply that did not come from this
// replica) into a bounded buffer; a loop that Run starts sends what is
// queued in push messages over Transport.Broadcast, as many samples as
// fit in one message each; peers apply them with Store.ApplyBatch. The
// hook never waits but for the buffer's mutex, which the sender holds
// only to swap the queue for an empty one: when the buffer is full (a
// slow transport, a burst of writes), the sample is dropped and counted,
// and the next alignment repairs the difference. The hook copies a
// sample's value and nothing more; the sender encodes. Batching is by
// backlog and a short linger: woken by the first write, the sender waits
// pushLinger for others, then sends everything queued, so that a lone
// write leaves at once and a burst goes in a few large messages.
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

// pusher is the push buffer, the sender's state, and what the replica is
// applying.
type pusher struct {
	mu       sync.Mutex
	queue    pushBatch             // what the hook queued, in order
	bytes    int                   // of the queue and the batch being sent, as pushCost counts
	maxBytes int                   // bound of bytes
	applying map[hlc.Timestamp]int // timestamps of samples being applied from peers
	keys     map[string]int        // and their keys
	lastWild hlc.Timestamp         // the latest wildcard delete queued

	// signalled is set by the first write after the sender last took
	// the queue, which wakes the sender; later writes only queue.
	signalled atomic.Bool
	wake      chan struct{}

	sending sync.Mutex    // one sender at a time, in queue order; guards out, sent, w
	out     pushBatch     // the batch being sent, swapped with the queue
	sent    int           // how many of out's samples are sent
	w       *sampleWriter // reused for every push message
	reuse   bool          // the transport is done with a message when Broadcast returns
	msgBuf  []byte        // then, the buffer of the last message, for the next

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
		w:        newSampleWriter(),
		disabled: c.DisablePush,
	}
}

// pushBufferMessages is the push buffer's bound, in messages of
// MaxMessageSize.
const pushBufferMessages = 4

func pushCost(smp *strata.Sample) int {
	return len(smp.Key) + len(smp.Value) + len(smp.Encoding) + pushOverhead
}

// copyOutside is the size from which the hook copies a value outside
// the buffer's mutex, so that other writers do not wait for the copy.
const copyOutside = 16 << 10

// offer queues smp for pushing, unless the replica is applying it from a
// peer, it is a wildcard delete's tombstone, its key does not fit in one
// push message, or the buffer is full (dropped, counted). A value that
// does not fit in one push message is queued as a marker, without being
// copied. It runs in the Watch hook: it never waits but for the buffer's
// mutex, allocates nothing in the steady state but for values of
// copyOutside bytes or more, and wakes the sender only if it is idle.
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
	if v := q.Value; len(v) >= copyOutside {
		// Its bytes are reserved; the queue may be swapped meanwhile,
		// but the key is locked: no later write of it can go first.
		p.mu.Unlock()
		q.Value = bytes.Clone(v)
		p.mu.Lock()
	} else if len(v) > 0 {
		q.Value = p.queue.copyValue(v)
	}
	p.queue.samples = append(p.queue.samples, q)
	p.mu.Unlock()
	if !p.signalled.Load() && !p.signalled.Swap(true) {
		select {
		case p.wake <- struct{}{}:
		default:
		}
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
