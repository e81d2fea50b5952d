// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/stratakv/strata/antientropy"
)

// Header names the sending replica; HeaderError, on a reply, says that the
// replica answered with an error (the body is its text).
const (
	Header      = "Strata-Replica"
	HeaderError = "Strata-Error"
)

// Values of HeaderError.
const (
	errConfig    = "config-mismatch"
	errMalformed = "malformed"
	errOther     = "error"
)

// Default values of Options.
const (
	DefaultPrefix           = "strata.ae"
	DefaultRequestTimeout   = 30 * time.Second
	DefaultConcurrency      = 8
	DefaultHandleTimeout    = 30 * time.Second
	DefaultBroadcastTimeout = 5 * time.Minute

	// headerRoom is kept out of the connection's max payload for the
	// headers of a message.
	headerRoom = 1 << 10
)

// ErrNoPeer: no replica of the name asked for listens on the space.
var ErrNoPeer = errors.New("natstransport: no such peer")

// Options configure a Transport; nil means the defaults.
type Options struct {
	// Prefix starts every subject: one or more tokens separated by dots.
	// Zero: "strata.ae".
	Prefix string
	// Space names the key space, one subject token (SpaceFor makes one
	// from a key expression). Required.
	Space string
	// RequestTimeout bounds each request, unless the caller's context ends
	// sooner. Zero: 30 s.
	RequestTimeout time.Duration
	// Concurrency bounds the incoming broadcasts handled at once (more are
	// dropped) and, separately, the incoming requests (more wait). Zero: 8.
	Concurrency int
	// Context bounds the background handling of incoming messages. Nil:
	// context.Background().
	Context context.Context
	// HandleTimeout bounds the replica's handling of one request. Zero: 30 s.
	HandleTimeout time.Duration
	// BroadcastTimeout bounds the background handling of one broadcast (an
	// alignment with its sender). Zero: 5 min.
	BroadcastTimeout time.Duration
	// Logger receives failed handlings (Debug). Nil: slog.Default().
	Logger *slog.Logger
}

// Stats are a Transport's counters since New.
type Stats struct {
	Broadcasts uint64 // broadcasts handed to the replica
	Requests   uint64 // requests handed to the replica
	Dropped    uint64 // broadcasts dropped because Concurrency were under way
}

// Transport is an antientropy.Transport over one NATS connection. Create
// it with New; it is safe for concurrent use.
type Transport struct {
	nc        *nats.Conn
	self      string
	o         Options
	broadcast string // subject of broadcasts
	requests  string // prefix of request subjects, to which an escaped name is appended

	mu      sync.Mutex
	subs    []*nats.Subscription
	serving bool
	closed  bool
	wg      sync.WaitGroup
	bslots  chan struct{} // broadcasts handled at once
	rslots  chan struct{} // requests handled at once

	broadcasts, handled, dropped atomic.Uint64
}

// New returns a transport for the replica named self (its
// antientropy.Options.ID) over nc, which stays the caller's to close
// after the Transport. It receives nothing until Serve.
func New(nc *nats.Conn, self string, opts *Options) (*Transport, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.HandleTimeout <= 0 {
		o.HandleTimeout = DefaultHandleTimeout
	}
	if o.BroadcastTimeout <= 0 {
		o.BroadcastTimeout = DefaultBroadcastTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	switch {
	case nc == nil:
		return nil, errors.New("natstransport: nil connection")
	case self == "":
		return nil, errors.New("natstransport: empty replica name")
	case !validToken(o.Space):
		return nil, fmt.Errorf("natstransport: Space %q is not one subject token (see SpaceFor)", o.Space)
	}
	for tok := range strings.SplitSeq(o.Prefix, ".") {
		if !validToken(tok) {
			return nil, fmt.Errorf("natstransport: Prefix %q is not a subject of literal tokens", o.Prefix)
		}
	}
	base := o.Prefix + "." + o.Space + "."
	return &Transport{
		nc: nc, self: self, o: o, broadcast: base + "b", requests: base + "r.",
		bslots: make(chan struct{}, o.Concurrency), rslots: make(chan struct{}, o.Concurrency),
	}, nil
}

// MaxMessageSize returns the largest message that the connection carries
// (its server's max payload, less room for headers), at most
// antientropy.DefaultMaxMessageSize: the value for the replica's
// Options.MaxMessageSize. It is 0 if the connection has never connected.
func (t *Transport) MaxMessageSize() int {
	mp := t.nc.MaxPayload() - headerRoom
	if mp <= 0 {
		return 0
	}
	return int(min(mp, antientropy.DefaultMaxMessageSize))
}

// Stats returns a snapshot of the transport's counters.
func (t *Transport) Stats() Stats {
	return Stats{Broadcasts: t.broadcasts.Load(), Requests: t.handled.Load(), Dropped: t.dropped.Load()}
}

// Broadcast publishes msg to every replica of the space. It does not wait
// for them: the connection sends it (or buffers it while reconnecting).
func (t *Transport) Broadcast(ctx context.Context, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m := nats.NewMsg(t.broadcast)
	m.Header.Set(Header, t.self)
	m.Data = msg
	if err := t.nc.PublishMsg(m); err != nil {
		return fmt.Errorf("natstransport: broadcast: %w", err)
	}
	return nil
}

// BroadcastCopies reports true: Broadcast writes msg into the
// connection's buffer before it returns.
func (t *Transport) BroadcastCopies() bool { return true }

// Request sends msg to the replica named peer and returns its reply,
// within Options.RequestTimeout.
func (t *Transport) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, t.o.RequestTimeout)
	defer cancel()
	m := nats.NewMsg(t.requests + escape(peer))
	m.Header.Set(Header, t.self)
	m.Data = msg
	reply, err := t.nc.RequestMsgWithContext(ctx, m)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return nil, fmt.Errorf("natstransport: request to %q: %w", peer, ErrNoPeer)
	case err != nil:
		return nil, fmt.Errorf("natstransport: request to %q: %w", peer, err)
	}
	switch reply.Header.Get(HeaderError) {
	case "":
		return reply.Data, nil
	case errConfig:
		return nil, fmt.Errorf("natstransport: request to %q: %s: %w", peer, reply.Data, antientropy.ErrConfigMismatch)
	case errMalformed:
		return nil, fmt.Errorf("natstransport: request to %q: %s: %w", peer, reply.Data, antientropy.ErrMalformed)
	default:
		return nil, fmt.Errorf("natstransport: request to %q: %s", peer, reply.Data)
	}
}
