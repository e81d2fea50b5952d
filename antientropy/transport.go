// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import "context"

// Transport carries the replica's messages; the caller supplies it. The
// messages are opaque bytes that the replica encodes and decodes itself,
// each at most Options.MaxMessageSize long.
//
// Implementations must be safe for concurrent use. The receiving side
// hands what arrives to Replica.HandleBroadcast and Replica.HandleRequest.
type Transport interface {
	// Broadcast sends msg to every peer replica of the same key space,
	// best effort: a lost broadcast costs one interval of delay.
	Broadcast(ctx context.Context, msg []byte) error
	// Request sends msg to one peer, named as it appears in the "from" of
	// the messages it sends, and returns its reply (what the peer's
	// HandleRequest returned), or an error.
	Request(ctx context.Context, peer string, msg []byte) ([]byte, error)
}

// Receiver is what a transport delivers incoming messages to; *Replica
// implements it.
type Receiver interface {
	HandleBroadcast(ctx context.Context, from string, msg []byte) error
	HandleRequest(ctx context.Context, from string, msg []byte) ([]byte, error)
}
