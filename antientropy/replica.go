// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

// Replica keeps a Store aligned with its peers over a Transport. Create it
// with New; it is safe for concurrent use by multiple goroutines.
type Replica struct {
	cfg        *config
	store      *strata.Store
	t          Transport
	log        *eventLog
	push       *pusher
	assemblies assemblies  // values received in chunks
	serving    servedValue // the value whose chunks are served
	stopWatch  func()
	stats      counters
	scope      keyexpr.KeyExpr // the store's key expression

	publishing atomic.Bool // a publish is under way (Run)

	mu       sync.Mutex
	closed   bool
	done     chan struct{}       // closed by Close: Run and its push loop return
	aligning map[string]bool     // peers being aligned with
	resume   map[string]*pending // what interrupted alignments left, by peer
}

// New starts replicating store over t: it hooks the store's change feed
// (Store.Watch) and rebuilds the log of events from a metadata-only scan of
// the store, which reads no values. The replica does nothing on its own
// until Run is called or messages are handed to it; Close releases it. A
// nil opts means the defaults. New is NewContext without a deadline.
func New(store *strata.Store, t Transport, opts *Options) (*Replica, error) {
	return NewContext(context.Background(), store, t, opts)
}

// progressEvery is how often long work (the scan at start, a fill) logs
// its progress at Info.
var progressEvery = 5 * time.Second

// NewContext is New with a context for the scan of the store, which takes
// time on a large store (about a second per million keys on the memory
// backend): it stops when ctx ends, with ctx's error. The scan's progress
// is logged at Info every few seconds.
func NewContext(ctx context.Context, store *strata.Store, t Transport, opts *Options) (*Replica, error) {
	if store == nil || t == nil {
		return nil, fmt.Errorf("antientropy: new: nil store or transport: %w", ErrInvalidOptions)
	}
	cfg, err := newConfig(store, opts)
	if err != nil {
		return nil, err
	}
	scope, err := keyexpr.Parse(store.KeyExpr())
	if err != nil {
		return nil, fmt.Errorf("antientropy: new: the store's key expression: %w", err)
	}
	r := &Replica{
		cfg: cfg, store: store, t: t, log: newEventLog(cfg), scope: scope,
		aligning: map[string]bool{}, resume: map[string]*pending{}, done: make(chan struct{}),
	}
	r.log.tooLarge = &r.stats.tooLarge
	r.push = newPusher(cfg, &r.stats.pushTooLarge)
	r.push.reuse = broadcastCopies(t)
	// Hook first, then scan: a change made meanwhile is seen at least
	// once, and the log keeps the latest event per key whatever the order.
	r.stopWatch = store.Watch(r.observe)
	start := time.Now()
	last, n := start, 0
	for smp, err := range store.Scan(ctx, store.KeyExpr(), &strata.ScanOptions{MetadataOnly: true, Tombstones: true}) {
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			r.stopWatch()
			return nil, fmt.Errorf("antientropy: new: scanning the store: %w", err)
		}
		r.log.observe(smp)
		if n++; n%4096 == 0 && time.Since(last) >= progressEvery {
			last = time.Now()
			cfg.Logger.Info("antientropy: rebuilding the log", "replica", cfg.ID, "events", n,
				"events_per_second", int(float64(n)/time.Since(start).Seconds()))
		}
	}
	for _, smp := range store.WildcardDeletes() {
		r.log.observe(smp)
	}
	r.log.prune(r.reference())
	if time.Since(start) >= progressEvery {
		cfg.Logger.Info("antientropy: log rebuilt", "replica", cfg.ID, "events", n, "duration", time.Since(start))
	}
	return r, nil
}

// observe is the Watch hook: the log records every change, and those
// of local writes are queued for pushing.
func (r *Replica) observe(smp strata.Sample) {
	r.log.observe(smp)
	r.offer(smp)
}

// Close unhooks the replica from the store, and makes Run return (with
// its push loop) without waiting for its context. Later calls of its
// methods return ErrClosed; a second Close returns nil. It does not close
// the store nor the transport.
func (r *Replica) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.stopWatch()
		close(r.done)
	}
	return nil
}

func (r *Replica) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// ID returns the replica's name (Options.ID).
func (r *Replica) ID() string { return r.cfg.ID }

// reference is the interval the digest ends with now.
func (r *Replica) reference() int64 {
	return r.cfg.reference(r.store.Clock().PhysicalNow())
}

// Publish broadcasts the replica's digest now, with a deadline of half
// an interval. Run calls it once per interval; tests and simulations call
// it to step time by hand.
func (r *Replica) Publish(ctx context.Context) error {
	if r.isClosed() {
		return ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Interval/2)
	defer cancel()
	L := r.reference()
	r.log.prune(L)
	msg := appendDigest(nil, r.cfg.hdr(), r.log.digest(L))
	r.stats.sent(len(msg))
	r.stats.digestsSent.Add(1)
	if err := r.t.Broadcast(ctx, msg); err != nil {
		return fmt.Errorf("antientropy: broadcasting the digest: %w", err)
	}
	return nil
}

// HandleBroadcast handles a message that peer from broadcast: a digest or
// a push. A push's samples are applied with Store.ApplyBatch before
// HandleBroadcast returns (samples the store refuses are counted in
// Stats.Refused). If a digest differs from this replica's log, HandleBroadcast aligns with from
// (a pull: requests to from through the Transport) before it returns,
// unless an alignment with from is already under way. A digest from a
// peer with another configuration is refused with ErrConfigMismatch
// (logged and counted in Stats.ConfigMismatches).
func (r *Replica) HandleBroadcast(ctx context.Context, from string, msg []byte) error {
	if r.isClosed() {
		return ErrClosed
	}
	r.stats.recv(len(msg))
	if from == r.cfg.ID {
		return nil
	}
	if len(msg) > 1 && msgKind(msg[1]) == msgPush {
		return r.handlePush(ctx, from, msg)
	}
	d, err := r.readDigest(from, msg)
	if err != nil {
		return err
	}
	if r.log.digest(d.L).equal(d) {
		return nil
	}
	return r.alignTo(ctx, from, d)
}

// limitWith is the size that messages exchanged with a peer whose limit
// is peerLimit must fit: the smaller of the two limits.
func (r *Replica) limitWith(peerLimit int) int {
	if peerLimit < MinMessageSize {
		return r.cfg.MaxMessageSize
	}
	return min(r.cfg.MaxMessageSize, peerLimit)
}

// readDigest decodes a digest message from peer.
func (r *Replica) readDigest(peer string, msg []byte) (digest, error) {
	kind, fp, rd := readHeader(msg, r.cfg.MaxMessageSize)
	if rd.err == nil && kind != msgDigest {
		rd.fail("message kind %d, want a digest", kind)
	}
	if err := r.check(peer, fp, rd); err != nil {
		return digest{}, err
	}
	d := readDigest(rd, r.cfg.Warm, r.cfg.Hot*r.cfg.SubIntervals)
	if rd.err != nil {
		r.stats.malformed.Add(1)
		return digest{}, rd.err
	}
	d.limit = rd.peerLimit
	r.push.notePeerLimit(d.limit)
	r.stats.digestsRecv.Add(1)
	return d, nil
}

// check vets a decoded header: malformed, or another configuration.
func (r *Replica) check(peer string, fp uint64, rd *reader) error {
	if rd.err != nil {
		r.stats.malformed.Add(1)
		return rd.err
	}
	if fp != r.cfg.fp {
		r.stats.mismatches.Add(1)
		r.cfg.Logger.Warn("antientropy: a peer replicates with another configuration; not aligning",
			"replica", r.cfg.ID, "peer", peer, "keyexpr", r.store.KeyExpr())
		return fmt.Errorf("antientropy: peer %q: %w (fingerprint %016x, ours %016x)", peer, ErrConfigMismatch, fp, r.cfg.fp)
	}
	return nil
}

// HandleRequest answers a request from peer from; the reply is at most
// MaxMessageSize bytes, and at most the requester's own limit, which the
// request carries. Requests from a peer with another configuration
// fail with ErrConfigMismatch, undecodable ones with ErrMalformed.
func (r *Replica) HandleRequest(ctx context.Context, from string, msg []byte) ([]byte, error) {
	if r.isClosed() {
		return nil, ErrClosed
	}
	r.stats.recv(len(msg))
	kind, fp, rd := readHeader(msg, r.cfg.MaxMessageSize)
	if err := r.check(from, fp, rd); err != nil {
		return nil, err
	}
	var (
		reply []byte
		err   error
	)
	limit := r.limitWith(rd.peerLimit)
	switch kind {
	case msgDigestRequest:
		rd.end()
		if rd.err == nil {
			reply = appendDigest(nil, r.cfg.hdr(), r.log.digest(r.reference()))
		}
	case msgExplore:
		reply, err = r.serveExplore(rd, limit)
	case msgFetch:
		reply, err = r.serveFetch(ctx, rd, limit)
	case msgPull:
		reply, err = r.servePull(ctx, rd, limit)
	case msgCompare:
		reply, err = r.serveCompare(rd, limit)
	case msgChunk:
		reply, err = r.serveChunk(ctx, rd, limit)
	default:
		rd.fail("message kind %d is not a request", kind)
	}
	if rd.err != nil {
		r.stats.malformed.Add(1)
		return nil, rd.err
	}
	if err != nil {
		return nil, err
	}
	r.stats.sent(len(reply))
	return reply, nil
}

// request sends msg to peer, with a deadline of RequestTimeout, and
// checks the reply's header.
func (r *Replica) request(ctx context.Context, peer string, msg []byte, want msgKind) (*reader, error) {
	r.stats.sent(len(msg))
	rctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	reply, err := r.t.Request(rctx, peer, msg)
	cancel()
	if err != nil {
		if errors.Is(err, ErrConfigMismatch) {
			r.stats.mismatches.Add(1)
			r.cfg.Logger.Warn("antientropy: a peer replicates with another configuration; not aligning",
				"replica", r.cfg.ID, "peer", peer, "keyexpr", r.store.KeyExpr())
		}
		return nil, fmt.Errorf("antientropy: request to %q: %w", peer, err)
	}
	r.stats.recv(len(reply))
	kind, fp, rd := readHeader(reply, r.cfg.MaxMessageSize)
	if rd.err == nil && kind != want {
		rd.fail("reply kind %d, want %d", kind, want)
	}
	if err := r.check(peer, fp, rd); err != nil {
		return nil, err
	}
	return rd, nil
}

// AlignWith runs one complete pull alignment with peer, synchronously: it
// asks for the peer's digest, drills down where it differs from the log,
// and applies what is newer on the peer. It returns when this replica has
// everything the peer had in its digest, or on the first error; the next
// alignment resumes an interrupted transfer. Pushing to the peer is the
// peer's own pull.
func (r *Replica) AlignWith(ctx context.Context, peer string) error {
	if r.isClosed() {
		return ErrClosed
	}
	rd, err := r.request(ctx, peer, appendHeader(nil, msgDigestRequest, r.cfg.hdr()), msgDigest)
	if err != nil {
		return err
	}
	d := readDigest(rd, r.cfg.Warm, r.cfg.Hot*r.cfg.SubIntervals)
	if rd.err != nil {
		r.stats.malformed.Add(1)
		return rd.err
	}
	d.limit = rd.peerLimit
	r.stats.digestsRecv.Add(1)
	return r.alignTo(ctx, peer, d)
}

// begin marks an alignment with peer as under way; false if one already is.
func (r *Replica) begin(peer string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.aligning[peer] {
		return false
	}
	r.aligning[peer] = true
	return true
}

func (r *Replica) end(peer string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.aligning, peer)
}

// errNoProgress: a reply answered nothing; the peer cannot be aligned with.
var errNoProgress = errors.New("antientropy: a reply made no progress")
