// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package natstransport carries antientropy messages over NATS
// (github.com/nats-io/nats.go), the message system that many deployments
// already run: replicas of one key space need only a NATS connection
// each, wherever they run, and no address of each other.
//
// A Transport is created over a connection the caller made (with the
// credentials, TLS, reconnection and other nats.Options the deployment
// uses), handed to antientropy.New, and then told to Serve the replica:
//
//	nc, err := nats.Connect(url, nats.UserCredentials("east.creds"), nats.MaxReconnects(-1))
//	t, err := natstransport.New(nc, "east", &natstransport.Options{Space: natstransport.SpaceFor("fleet/**")})
//	r, err := antientropy.New(store, t, &antientropy.Options{ID: "east", MaxMessageSize: t.MaxMessageSize()})
//	err = t.Serve(r)
//	go r.Run(ctx)
//
// # Subjects
//
// Broadcasts go to PREFIX.SPACE.b, which every replica of the space
// subscribes to; requests go by NATS request-reply to PREFIX.SPACE.r.ID,
// which only the replica named ID subscribes to (PREFIX is Options.Prefix,
// "strata.ae" by default; SPACE is Options.Space, which SpaceFor derives
// from a key expression). The sender names itself in the Strata-Replica
// header. A replica's own broadcasts are not handed back to it.
//
// # Message size
//
// NATS refuses messages larger than the server's max_payload (1 MiB by
// default), headers included. MaxMessageSize returns the largest message
// the transport can carry on its connection, what the replica's
// Options.MaxMessageSize should be: the connection's max payload less room
// for headers, at most antientropy.DefaultMaxMessageSize. Replicas of one
// space should use the same value.
//
// # Reconnection
//
// nats.go reconnects on its own and restores the subscriptions; while it
// does, broadcasts are buffered by the connection (nats.ReconnectBufSize)
// or fail, and requests fail at their deadline: the replica's next digest
// and alignment repair whatever was lost. Use nats.MaxReconnects(-1) so
// that the connection never gives up, and give a connection the URLs of
// several servers of a cluster so that it can fail over.
//
// # Security
//
// NATS authenticates connections (user credentials, nkeys, tokens, TLS
// client certificates) and authorizes subjects. Anyone allowed to publish
// on a space's subjects takes part in its replication and can claim any
// replica name in the Strata-Replica header: allow publishing and
// subscribing on PREFIX.SPACE.> (and replying on _INBOX.>) only to the
// replicas' users, and use TLS between clients and servers.
//
// # Errors
//
// Request returns errors wrapping antientropy.ErrConfigMismatch and
// antientropy.ErrMalformed when the peer's replica answered with them,
// ErrNoPeer when no replica of that name is subscribed (NATS's "no
// responders"), and NATS errors (deadlines included: errors.Is(err,
// context.DeadlineExceeded)) as nats.go returns them. Broadcast returns
// the error of publishing (a message too large, a closed connection).
//
// # Concurrency
//
// A Transport is safe for concurrent use. Incoming broadcasts are handed
// to the replica in the background, at most Options.Concurrency at once
// (more are dropped and counted, as a lossy network would lose them);
// incoming requests too, at most Options.Concurrency at once (more wait).
// Close stops receiving and waits for the handlings under way.
//
// # Caveats
//
// Broadcasts are at most once and unordered with respect to requests, as
// NATS core delivers them: a replica that is disconnected misses them, and
// anti-entropy repairs what it missed. MaxMessageSize is read from the
// server the connection is on when it is called; servers of one cluster
// should share one max_payload, or a message that fits one may be refused
// by another (nats.ErrMaxPayload). A replica named twice on one space
// (two processes with one ID) receives every request twice and both
// answer; the requester takes the first answer.
package natstransport
