// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"fmt"
	"time"
)

// The sender: it takes the whole queue at once, by swapping it for the
// batch it sent last, emptied, so that the hook's mutex is held for a
// swap, whatever the backlog. The batch's samples and the bytes of their
// values are kept for the next swap: in the steady state, pushing
// allocates only the messages themselves (a transport may keep them).
// The message writer and its buffer (at most a message) are kept too.

// pushBatch is a run of queued samples; small values are copied into
// values, back to back.
type pushBatch struct {
	samples   []queued
	values    []byte
	underused int // batches in a row that used less than a quarter of the buffers
}

// copyValue copies v into the batch's values.
func (b *pushBatch) copyValue(v []byte) []byte {
	start := len(b.values)
	b.values = append(b.values, v...)
	return b.values[start:len(b.values):len(b.values)]
}

// A batch's buffers are kept for the next one, unless they are larger
// than these and were mostly unused by the last shrinkAfter batches:
// the buffers of a burst go to the garbage collector once writes are
// back to their usual pace, not at the first small batch.
const (
	keepSamples = 8192
	keepValues  = 1 << 20
	shrinkAfter = 16
)

// empty makes b ready to be filled again.
func (b *pushBatch) empty() {
	switch {
	case len(b.samples) == 0:
		return // swapped in and out empty: nothing to judge by
	case len(b.samples) < cap(b.samples)/4 && len(b.values) < cap(b.values)/4:
		b.underused++
	default:
		b.underused = 0
	}
	if b.underused >= shrinkAfter && (cap(b.samples) > keepSamples || cap(b.values) > keepValues) {
		*b = pushBatch{}
		return
	}
	clear(b.samples) // the keys, for the collector
	b.samples, b.values = b.samples[:0], b.values[:0]
}

// Push broadcasts the samples queued for pushing now, in as many push
// messages as they need, each with a deadline of RequestTimeout. Run
// pushes on its own as writes come; tests and simulations call Push to
// step by hand. With Options.DisablePush, it does nothing.
func (r *Replica) Push(ctx context.Context) error {
	if r.isClosed() {
		return ErrClosed
	}
	_, err := r.push.sendAll(ctx, r)
	return err
}

// sendAll sends what is queued until the queue is empty, and returns how
// many samples it took off the queue.
func (p *pusher) sendAll(ctx context.Context, r *Replica) (int, error) {
	p.sending.Lock()
	defer p.sending.Unlock()
	taken := 0
	for {
		if p.sent == len(p.out.samples) {
			p.out.empty()
			p.sent = 0
			// Writes from now on wake the sender again.
			p.signalled.Store(false)
			p.mu.Lock()
			p.queue, p.out = p.out, p.queue
			p.mu.Unlock()
			if len(p.out.samples) == 0 {
				return taken, nil
			}
			taken += len(p.out.samples)
		}
		msg, n, cost := p.message(r.pushLimit(), r.cfg.hdr())
		p.sent += n
		p.mu.Lock()
		p.bytes -= cost
		p.mu.Unlock()
		if msg == nil {
			continue
		}
		r.stats.sent(len(msg))
		r.stats.pushesSent.Add(1)
		r.stats.samplesPushed.Add(uint64(p.w.n))
		bctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
		err := r.t.Broadcast(bctx, msg)
		cancel()
		if p.reuse {
			// The transport is done with msg: the next one goes there.
			p.msgBuf = msg[:0]
		}
		if err != nil {
			return taken, fmt.Errorf("antientropy: broadcasting a push: %w", err)
		}
	}
}

// message writes the first samples of out not yet sent that fit in one
// push message of limit bytes; it returns the message (nil if none of
// them fits: queued before a peer announced a smaller limit, they go by
// alignment), how many samples it took, and their cost in the buffer.
// The caller holds sending.
func (p *pusher) message(limit int, h hdr) (msg []byte, n, cost int) {
	budget := limit - headerSize - 64
	w := p.w
	w.reset()
	size := 0
	for i := p.sent; i < len(p.out.samples); i++ {
		q := &p.out.samples[i]
		need := sampleSize(&q.Sample)
		if q.size > 0 {
			need = largeSize(&q.Sample)
		}
		if need > budget {
			p.tooLarge.Add(1)
		} else if size+need > budget {
			break
		} else {
			size += need + 17 + 3 + len(q.Encoding) // a new clock ID and encoding, at worst
			if q.size > 0 {
				w.addLarge(&q.Sample, q.size)
			} else {
				w.add(&q.Sample)
			}
		}
		cost += pushCost(&q.Sample)
		n++
	}
	if w.n > 0 {
		buf := p.msgBuf[:0]
		if buf == nil {
			buf = make([]byte, 0, headerSize+w.size())
		}
		msg = w.append(appendHeader(buf, msgPush, h))
	}
	return msg, n, cost
}

// The sender's linger: once woken by a write, it waits pushLinger for
// more writes to send with it; while writes keep coming (the last send
// took pushBusy samples or more), it sends every pushLingerBusy, without
// being woken: fewer, larger messages for the same writes cost the
// writers' process (and the peers) less, for a millisecond or two more
// of delay.
const (
	pushLinger     = 500 * time.Microsecond
	pushLingerBusy = 2 * time.Millisecond
	pushBusy       = 256
)

// pushLoop pushes as writes come, until ctx ends or the replica closes.
func (r *Replica) pushLoop(ctx context.Context) {
	t := time.NewTimer(pushLinger)
	t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.done:
			return
		case <-r.push.wake:
		}
		for linger := pushLinger; ; {
			t.Reset(linger)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-r.done:
				t.Stop()
				return
			case <-t.C:
			}
			n, err := r.push.sendAll(ctx, r)
			if r.isClosed() {
				return
			}
			if err != nil && ctx.Err() == nil {
				r.cfg.Logger.Debug("antientropy: push failed", "replica", r.cfg.ID, "err", err)
			}
			if n < pushBusy {
				break // not a stream: wait for a write to wake the sender
			}
			linger = pushLingerBusy
		}
	}
}
