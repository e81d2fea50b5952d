// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"sync/atomic"
	"time"

	"github.com/stratakv/strata/keyexpr"
)

// DefaultSubscribeBuffer is how many changes a subscription buffers when
// SubscribeOptions.Buffer is zero.
const DefaultSubscribeBuffer = 1024

// SubscribeOptions tune SubscribeWith. A nil *SubscribeOptions means the
// zero value.
type SubscribeOptions struct {
	// Buffer is how many changes may wait for the loop: when a change
	// arrives and the buffer is full, the subscription lags (ErrLagged).
	// Each buffered change holds a copy of its value. Zero:
	// DefaultSubscribeBuffer. Negative: invalid.
	Buffer int
}

// Subscribe yields every change the store applies from now on to a key
// that selector matches: puts, deletes, the tombstones a wildcard delete
// writes, and the wildcard delete itself (a KindDelete sample whose Key is
// the expression) when its expression intersects selector; whether they
// came from Put, Delete, Apply or ApplyBatch. Outdated samples are not
// yielded. Changes of one key are yielded in the order they were applied;
// changes of different keys written concurrently, in the order their
// writers buffered them.
//
// selector is a key or a key expression (canonized like Get's) that must
// intersect the store's key expression; an invalid one yields one error
// wrapping ErrInvalidKey, one outside the store's, ErrOutOfScope.
//
// Subscribe registers the subscription before it returns, so a change
// applied after Subscribe returns is yielded even if the loop starts
// later. Changes wait in a buffer of SubscribeOptions.Buffer samples
// (DefaultSubscribeBuffer here), filled by the writers without ever
// waiting: a loop that falls behind so far that the buffer overflows is
// not waited for. It gets one error wrapping ErrLagged, at its next
// change at the latest (the changes still buffered are dropped), and its
// iteration ends; subscribe again and read with Get what may have been
// missed.
//
// The loop ends without an error when ctx ends (check ctx.Err()), and
// with one error wrapping ErrClosed after the store is closed (noticed
// within about 100 ms; changes applied before are yielded first).
// Breaking out of the loop ends the subscription. A subscription can be
// iterated once; one that is never iterated holds its buffer until ctx
// ends, so range over it, or cancel ctx. Yielded samples and their values
// belong to the caller.
func (s *Store) Subscribe(ctx context.Context, selector string) iter.Seq2[Sample, error] {
	return s.SubscribeWith(ctx, selector, nil)
}

// SubscribeWith is Subscribe with options: the size of the buffer.
func (s *Store) SubscribeWith(ctx context.Context, selector string, opts *SubscribeOptions) iter.Seq2[Sample, error] {
	sub, err := s.subscribe(ctx, selector, opts)
	if err != nil {
		return func(yield func(Sample, error) bool) { yield(Sample{}, err) }
	}
	return sub.all
}

// subscription is the state of one Subscribe: the writers' side (observe)
// and the loop's side (all).
type subscription struct {
	s        *Store
	ctx      context.Context
	selector string
	sel      keyexpr.KeyExpr
	ch       chan Sample
	lagged   atomic.Bool
	lag      chan struct{} // closed when lagged is set
	used     atomic.Bool
	unwatch  atomic.Pointer[func()] // Watch's stop, once Watch returned
	stopCtx  func() bool
}

func (s *Store) subscribe(ctx context.Context, selector string, opts *SubscribeOptions) (*subscription, error) {
	var o SubscribeOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Buffer == 0:
		o.Buffer = DefaultSubscribeBuffer
	case o.Buffer < 0:
		return nil, fmt.Errorf("strata: subscribe %q: negative SubscribeOptions.Buffer %d", selector, o.Buffer)
	}
	sel, err := keyexpr.Canonize(selector)
	if err != nil {
		return nil, fmt.Errorf("strata: subscribe %q: %w: %w", selector, ErrInvalidKey, err)
	}
	if !sel.Intersects(s.cfg.expr) {
		return nil, fmt.Errorf("strata: subscribe %q: %w %q", selector, ErrOutOfScope, s.cfg.KeyExpr)
	}
	if s.closed.Load() {
		return nil, errClosed("subscribe", selector)
	}
	sub := &subscription{s: s, ctx: ctx, selector: selector, sel: sel, ch: make(chan Sample, o.Buffer), lag: make(chan struct{})}
	unwatch := s.Watch(sub.observe)
	sub.unwatch.Store(&unwatch)
	sub.stopCtx = context.AfterFunc(ctx, sub.stop)
	return sub, nil
}

// stop unregisters observe; it is idempotent. A writer may call it before
// Watch has returned: the loop then calls it again when it ends.
func (sub *subscription) stop() {
	if unwatch := sub.unwatch.Load(); unwatch != nil {
		(*unwatch)()
	}
}

// observe runs in the writer, under the key's lock: it filters, copies the
// value and buffers the sample, or marks the subscription lagged; it never
// waits.
func (sub *subscription) observe(smp Sample) {
	if sub.lagged.Load() || !sub.matches(smp) {
		return
	}
	if smp.Value != nil {
		smp.Value = bytes.Clone(smp.Value)
	}
	select {
	case sub.ch <- smp:
	default:
		// Lag once: stop observing, so that a subscription nobody reads
		// costs the writers nothing more.
		if sub.lagged.CompareAndSwap(false, true) {
			close(sub.lag) // the loop may have drained the buffer since
			sub.stop()
		}
	}
}

func (sub *subscription) matches(smp Sample) bool {
	if smp.Kind == KindDelete && isWild(smp.Key) {
		expr, err := keyexpr.Parse(smp.Key) // canonical: the store checked it
		return err == nil && expr.Intersects(sub.sel)
	}
	return sub.sel.Matches(smp.Key)
}

// all is the loop's side: it yields buffered changes until the
// subscription lags, ctx ends, the store closes or the loop breaks.
func (sub *subscription) all(yield func(Sample, error) bool) {
	if !sub.used.CompareAndSwap(false, true) {
		yield(Sample{}, fmt.Errorf("strata: subscribe %q: the subscription was iterated already", sub.selector))
		return
	}
	defer sub.end()
	for {
		if sub.ctx.Err() != nil {
			return
		}
		select {
		case smp := <-sub.ch:
			if !sub.deliver(smp, yield) {
				return
			}
		case <-sub.lag:
			sub.lagError(yield)
			return
		case <-sub.ctx.Done():
			return
		case <-sub.s.done:
			sub.closed(yield)
			return
		}
	}
}

// deliver yields smp, or the lag error instead; false ends the loop.
func (sub *subscription) deliver(smp Sample, yield func(Sample, error) bool) bool {
	if sub.lagged.Load() {
		sub.lagError(yield)
		return false
	}
	return yield(smp, nil)
}

func (sub *subscription) lagError(yield func(Sample, error) bool) {
	yield(Sample{}, fmt.Errorf("strata: subscribe %q: %w: more than %d changes waited", sub.selector, ErrLagged, cap(sub.ch)))
}

// closed ends a subscription of a closed store: it waits for the writes
// that were in flight at Close, yields what they buffered, then ErrClosed.
func (sub *subscription) closed(yield func(Sample, error) bool) {
	for wait := 10 * time.Microsecond; sub.s.inflight.Load() > 0; wait = min(2*wait, 10*time.Millisecond) {
		select {
		case <-sub.ctx.Done():
			return
		case <-time.After(wait):
		}
	}
	sub.stop()
	for {
		select {
		case smp := <-sub.ch:
			if !sub.deliver(smp, yield) {
				return
			}
		default:
			yield(Sample{}, errClosed("subscribe", sub.selector))
			return
		}
	}
}

func (sub *subscription) end() {
	sub.stopCtx()
	sub.stop()
}
