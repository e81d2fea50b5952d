// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package httptransport carries antientropy messages over HTTP with
// net/http, so that replicas in different processes replicate out of the
// box: a Handler serves a replica's incoming broadcasts and requests, and
// a Client (an antientropy.Transport) addresses peers by base URL.
//
// Each message is the body of a POST: to BASE/broadcast (answered 202
// Accepted at once; the replica handles the message in the background,
// aligning with the sender if it is a digest that differs) or to
// BASE/request (answered 200 with the reply as body). The sender names
// itself in the Strata-Replica header. A request refused for a
// configuration mismatch is answered 409 and the client returns an error
// wrapping antientropy.ErrConfigMismatch.
//
// # Security
//
// Two mechanisms authenticate peers; use either or both.
//
// Mutual TLS: serve the Handler over TLS with a server configuration that
// verifies client certificates against the replicas' CA (ServerTLSConfig),
// and give the Client a configuration holding its own certificate and the
// CA that signs the servers' (ClientTLSConfig). HandlerOptions.RequireClientCert
// refuses requests that did not come with a verified certificate (for a
// server that also serves other clients, configured with
// tls.VerifyClientCertIfGiven), and HandlerOptions.CertNames also requires
// the sender's name to be one of the certificate's DNS names or its common
// name, so that one replica cannot speak for another.
//
// Shared secret: with ClientOptions.Secret and HandlerOptions.Secret (the
// same random bytes, at least MinSecretSize long), every message carries an
// HMAC-SHA256 over a version tag, the method, the endpoint (broadcast or
// request), the sender's and the receiver's names, a timestamp, a random
// nonce and the body (headers Strata-Time, Strata-Nonce and
// Strata-Signature). The handler refuses a message whose timestamp is
// further than HandlerOptions.MaxSkew from its clock, or whose nonce it has
// seen within that window (a replay), or whose signature does not match;
// replies to requests are signed in turn, bound to the request's nonce,
// and the client refuses a reply that is not. This holds end to end even
// when a proxy terminates TLS in between. Signatures authenticate, they do
// not encrypt: use TLS on any network that others can read.
//
// A refused message is answered 401 (missing, malformed, stale, replayed
// or wrongly signed credentials, or no verified client certificate) or 403
// (a certificate that does not name the sender) before the replica sees
// anything. Headers are checked before the body is read; the body is read
// within HandlerOptions.MaxMessageSize bytes and a read deadline, and
// verified whole, before it is handed to the replica. Refusals are counted
// in Handler.Stats and logged at Warn at most once a minute.
//
// A secured set-up, each replica with a certificate for its name signed by
// the replicas' CA and the secret in a file that only the service reads:
//
//	serverTLS, err := httptransport.ServerTLSConfig("east.crt", "east.key", "ca.crt")
//	clientTLS, err := httptransport.ClientTLSConfig("east.crt", "east.key", "ca.crt")
//	secret, err := os.ReadFile("replication.secret")
//	client, err := httptransport.NewClientWithOptions("east",
//		map[string]string{"west": "https://west.example:8443/replication"},
//		&httptransport.ClientOptions{TLS: clientTLS, Secret: secret})
//	replica, err := antientropy.New(store, client, &antientropy.Options{ID: "east"})
//	handler := httptransport.NewHandler(replica, &httptransport.HandlerOptions{
//		Secret: secret, RequireClientCert: true, CertNames: true})
//	mux.Handle("/replication/", handler)
//	srv := httptransport.NewServer(mux, serverTLS)
//	srv.Addr = ":8443"
//	go srv.ListenAndServeTLS("", "") // the certificate is in serverTLS
//	go replica.Run(ctx)
//
// # Deadlines and slow peers
//
// Every network call has a deadline by default. The Client's HTTP client
// (NewHTTPClient) bounds dialing, the TLS handshake and the wait for
// response headers, and keeps connections alive for reuse; each broadcast
// post is bounded by ClientOptions.BroadcastTimeout and each request by
// ClientOptions.RequestTimeout, whatever HTTP client is given. On the
// serving side, the Handler sets a read deadline for the body and a write
// deadline for the reply on its connection, and bounds the replica's
// handling; NewServer returns an http.Server with header, read, write and
// idle timeouts.
//
// Client.Broadcast never waits for a peer: it queues the message for each
// peer and returns. Each peer has its own bounded queue
// (ClientOptions.QueueLength) and at most ClientOptions.MaxInFlight posts
// under way; when a peer's queue is full (the peer is slow, silent or
// down), the message is dropped for that peer alone and counted in
// Client.Stats, as a lossy network would lose it: anti-entropy repairs the
// difference. A silent peer therefore costs at most MaxInFlight goroutines
// and connections, never a delay for the others.
//
// # Errors
//
// Client.Request returns errors wrapping antientropy.ErrConfigMismatch
// (409), ErrUnauthorized (the peer answered 401 or 403, or its reply was
// not signed with the shared secret), antientropy.ErrMalformed (a reply
// larger than the message limit), ErrClosed after Client.Close, and
// transport errors as net/http returns them (deadlines included, testable
// with errors.Is(err, context.DeadlineExceeded)). Client.Broadcast returns
// only ErrClosed or the context's error: delivery failures are counted, not
// returned.
//
// # Concurrency
//
// Client and Handler are safe for concurrent use. A Client starts its
// sending goroutines on demand and they end when its queues are empty;
// Close cancels what is under way.
//
// # Caveats
//
// The signature covers the endpoint, not the full path, so that a proxy may
// mount the handler under another prefix. Replay protection needs the
// replicas' clocks within MaxSkew of each other; the replicas already need
// them within the HLC drift bound. Nonces are remembered in memory only, so a
// handler refuses every message signed before it was created: one
// captured before a restart cannot be replayed after it. A message signed
// just before a restart and delivered after it is refused too (a request
// is signed anew when the alignment sends it again; a lost broadcast is
// repaired at the next digest), and so, for as long as its clock is
// behind this one, is a peer's: keep clocks synchronized. Peers are
// named in the client's map by the names they send as Strata-Replica (their
// antientropy.Options.ID): with a secret, a mismatch fails the signature.
package httptransport
