// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/stratakv/strata/antientropy"
)

// Serve subscribes to the space's broadcasts and to the requests for this
// replica, and hands them to r (the *antientropy.Replica). It may be
// called once; Close undoes it.
func (t *Transport) Serve(r antientropy.Receiver) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.closed:
		return errors.New("natstransport: serve: closed")
	case t.serving:
		return errors.New("natstransport: serve: already serving")
	}
	bsub, err := t.nc.Subscribe(t.broadcast, func(m *nats.Msg) { t.onBroadcast(r, m) })
	if err != nil {
		return fmt.Errorf("natstransport: serve: %w", err)
	}
	rsub, err := t.nc.Subscribe(t.requests+escape(t.self), func(m *nats.Msg) { t.onRequest(r, m) })
	if err != nil {
		_ = bsub.Unsubscribe()
		return fmt.Errorf("natstransport: serve: %w", err)
	}
	// Make sure the server has the subscriptions before the replica
	// starts publishing; a failure here is repaired on reconnection.
	_ = t.nc.Flush()
	t.subs = []*nats.Subscription{bsub, rsub}
	t.serving = true
	return nil
}

// Close unsubscribes and waits for the handlings under way. The
// connection stays open.
func (t *Transport) Close() error {
	t.mu.Lock()
	subs := t.subs
	t.subs, t.closed = nil, true
	t.mu.Unlock()
	var errs []error
	for _, s := range subs {
		if err := s.Unsubscribe(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) && !errors.Is(err, nats.ErrBadSubscription) {
			errs = append(errs, err)
		}
	}
	if len(subs) > 0 {
		// Once the server has the unsubscriptions, requests for this
		// replica fail at once (no responders) instead of at their deadline.
		_ = t.nc.FlushTimeout(5 * time.Second)
	}
	t.wg.Wait()
	return errors.Join(errs...)
}

// start counts one handling under way, unless the transport is closed.
func (t *Transport) start() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.wg.Add(1)
	return true
}

// onBroadcast hands a broadcast to r in the background, or drops it if
// Concurrency are under way. It runs in the subscription's goroutine.
func (t *Transport) onBroadcast(r antientropy.Receiver, m *nats.Msg) {
	from := m.Header.Get(Header)
	if from == "" || from == t.self {
		return // our own, echoed by the server; or anonymous
	}
	select {
	case t.bslots <- struct{}{}:
	default:
		t.dropped.Add(1)
		return
	}
	if !t.start() {
		<-t.bslots
		return
	}
	t.broadcasts.Add(1)
	go func() {
		defer t.wg.Done()
		defer func() { <-t.bslots }()
		ctx, cancel := context.WithTimeout(t.o.Context, t.o.BroadcastTimeout)
		defer cancel()
		if err := r.HandleBroadcast(ctx, from, m.Data); err != nil {
			t.o.Logger.Debug("natstransport: broadcast", "replica", t.self, "from", from, "err", err)
		}
	}()
}

// onRequest hands a request to r in the background, waiting while
// Concurrency are under way, and sends the reply.
func (t *Transport) onRequest(r antientropy.Receiver, m *nats.Msg) {
	from := m.Header.Get(Header)
	if m.Reply == "" {
		return
	}
	t.rslots <- struct{}{}
	if !t.start() {
		<-t.rslots
		return
	}
	t.handled.Add(1)
	go func() {
		defer t.wg.Done()
		defer func() { <-t.rslots }()
		reply := nats.NewMsg(m.Reply)
		if from == "" {
			reply.Header.Set(HeaderError, errMalformed)
			reply.Data = []byte("missing " + Header + " header")
		} else {
			ctx, cancel := context.WithTimeout(t.o.Context, t.o.HandleTimeout)
			data, err := r.HandleRequest(ctx, from, m.Data)
			cancel()
			switch {
			case err == nil:
				reply.Data = data
			case errors.Is(err, antientropy.ErrConfigMismatch):
				reply.Header.Set(HeaderError, errConfig)
			case errors.Is(err, antientropy.ErrMalformed):
				reply.Header.Set(HeaderError, errMalformed)
			default:
				reply.Header.Set(HeaderError, errOther)
			}
			if err != nil {
				reply.Data = []byte(err.Error())
				t.o.Logger.Debug("natstransport: request", "replica", t.self, "from", from, "err", err)
			}
		}
		if err := m.RespondMsg(reply); err != nil {
			t.o.Logger.Debug("natstransport: reply", "replica", t.self, "from", from, "err", err)
		}
	}()
}
