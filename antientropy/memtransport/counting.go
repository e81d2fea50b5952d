// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package memtransport

import (
	"context"
	"sync/atomic"

	"github.com/stratakv/strata/antientropy"
)

// Counting wraps a Transport and counts what goes through it, for
// benchmarks: a round trip is one Request and its reply. It is safe for
// concurrent use.
type Counting struct {
	T antientropy.Transport

	broadcasts, roundTrips, bytes atomic.Uint64
}

// Counts is a snapshot of a Counting transport.
type Counts struct {
	Broadcasts uint64 // Broadcast calls
	RoundTrips uint64 // Request calls
	Bytes      uint64 // bytes of broadcasts, requests and replies
}

// Broadcast counts msg once (as one peer receives it) and forwards it.
func (c *Counting) Broadcast(ctx context.Context, msg []byte) error {
	c.broadcasts.Add(1)
	c.bytes.Add(uint64(len(msg)))
	return c.T.Broadcast(ctx, msg)
}

// BroadcastCopies reports what the wrapped transport does.
func (c *Counting) BroadcastCopies() bool {
	bc, ok := c.T.(antientropy.BroadcastCopier)
	return ok && bc.BroadcastCopies()
}

// Request counts one round trip and the bytes both ways.
func (c *Counting) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	c.roundTrips.Add(1)
	c.bytes.Add(uint64(len(msg)))
	reply, err := c.T.Request(ctx, peer, msg)
	c.bytes.Add(uint64(len(reply)))
	return reply, err
}

// Counts returns the counts so far.
func (c *Counting) Counts() Counts {
	return Counts{Broadcasts: c.broadcasts.Load(), RoundTrips: c.roundTrips.Load(), Bytes: c.bytes.Load()}
}

// Reset sets the counts to zero.
func (c *Counting) Reset() {
	c.broadcasts.Store(0)
	c.roundTrips.Store(0)
	c.bytes.Store(0)
}
