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

// BroadcastCopier is an optional capability of a Transport: one whose
// Broadcast is done with msg when it returns (it has sent msg, or copied
// it for later) says so, and the replica then writes its next push
// message into the same buffer instead of a new one: a push costs no
// allocation of up to a message. A wrapper of another Transport reports
// what the wrapped one does; a type that embeds a transport and replaces
// its Broadcast must say so itself (the embedded method would be promoted
// and speak for the replaced one). The transports of this module
// (memtransport, httptransport, natstransport) implement it.
type BroadcastCopier interface {
	// BroadcastCopies reports whether Broadcast is done with msg when it
	// returns.
	BroadcastCopies() bool
}

// broadcastCopies reports whether t says that its Broadcast is done with
// msg when it returns.
func broadcastCopies(t Transport) bool {
	bc, ok := t.(BroadcastCopier)
	return ok && bc.BroadcastCopies()
}

// Receiver is what a transport delivers incoming messages to; *Replica
// implements it.
type Receiver interface {
	HandleBroadcast(ctx context.Context, from string, msg []byte) error
	HandleRequest(ctx context.Context, from string, msg []byte) ([]byte, error)
}
