// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// peer sends broadcasts to one peer: a bounded queue drained by at most
// MaxInFlight goroutines, started when a broadcast is queued and ended
// when the queue is empty, so that an idle client holds no goroutine and
// a silent peer holds at most MaxInFlight.
type peer struct {
	c         *Client
	name, url string
	ctx       context.Context // ends when the peer is removed or the client closed
	cancel    context.CancelFunc
	queue     chan []byte

	mu      sync.Mutex
	workers int

	sent, failed, dropped atomic.Uint64
	failing               atomic.Bool // the last post failed
}

// newPeer is called with c.mu held.
func (c *Client) newPeer(name, url string) *peer {
	p := &peer{c: c, name: name, url: strings.TrimSuffix(url, "/"), queue: make(chan []byte, c.o.QueueLength)}
	p.ctx, p.cancel = context.WithCancel(c.ctx)
	return p
}

// enqueue queues msg, or drops it if the queue is full, and starts a
// sending goroutine if fewer than MaxInFlight run. It is called with c.mu
// held for reading, so that Close waits for the goroutines it starts.
func (p *peer) enqueue(msg []byte) {
	select {
	case p.queue <- msg:
	default:
		p.dropped.Add(1)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.workers < p.c.o.MaxInFlight {
		p.workers++
		p.c.wg.Add(1)
		go p.work()
	}
}

// work sends queued broadcasts until the queue is empty.
func (p *peer) work() {
	defer p.c.wg.Done()
	for {
		select {
		case msg := <-p.queue:
			p.send(msg)
			continue
		default:
		}
		// Decide to stop under the lock that enqueue takes after queuing,
		// so that a message queued now finds this goroutine still counted
		// (and it picks the message up) or not (and enqueue starts one).
		p.mu.Lock()
		if len(p.queue) == 0 {
			p.workers--
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
}

// send posts one broadcast, within BroadcastTimeout.
func (p *peer) send(msg []byte) {
	if p.ctx.Err() != nil {
		return // removed or closed: abandoned
	}
	ctx, cancel := context.WithTimeout(p.ctx, p.c.o.BroadcastTimeout)
	defer cancel()
	resp, _, err := p.c.post(ctx, p.name, p.url, "broadcast", msg)
	if err == nil {
		// Drain a little so that the connection is reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			err = &statusError{resp.Status}
		}
	}
	if err != nil {
		p.failed.Add(1)
		if !p.failing.Swap(true) {
			p.c.o.Logger.Warn("httptransport: broadcasts to a peer fail", "replica", p.c.self, "peer", p.name, "err", err)
		} else {
			p.c.o.Logger.Debug("httptransport: broadcast failed", "replica", p.c.self, "peer", p.name, "err", err)
		}
		return
	}
	p.sent.Add(1)
	if p.failing.Swap(false) {
		p.c.o.Logger.Info("httptransport: broadcasts to a peer succeed again", "replica", p.c.self, "peer", p.name)
	}
}

type statusError struct{ status string }

func (e *statusError) Error() string { return "answered " + e.status }
