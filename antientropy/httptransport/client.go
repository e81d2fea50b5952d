// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stratakv/strata/antientropy"
)

// Default values of ClientOptions.
const (
	DefaultBroadcastTimeout = 5 * time.Second
	DefaultRequestTimeout   = 30 * time.Second
	DefaultMaxInFlight      = 2
	DefaultQueueLength      = 32
)

// ClientOptions configure a Client; nil means the defaults.
type ClientOptions struct {
	// HTTPClient sends the posts. Nil: NewHTTPClient(TLS).
	HTTPClient *http.Client
	// TLS configures TLS (a client certificate for mutual TLS, the CA of
	// the peers) when HTTPClient is nil. Nil: Go's defaults.
	TLS *tls.Config
	// Secret, if not empty, signs every message and authenticates every
	// reply (see the package doc); at least MinSecretSize bytes, the same
	// as the peers' HandlerOptions.Secret.
	Secret []byte
	// MaxMessageSize bounds replies. Zero: antientropy.DefaultMaxMessageSize.
	MaxMessageSize int
	// BroadcastTimeout bounds each broadcast post to one peer. Zero: 5 s.
	BroadcastTimeout time.Duration
	// RequestTimeout bounds each request, unless the caller's context ends
	// sooner. Zero: 30 s.
	RequestTimeout time.Duration
	// MaxInFlight bounds the broadcast posts under way to one peer. Zero: 2.
	MaxInFlight int
	// QueueLength bounds the broadcasts waiting for one peer; past it, a
	// broadcast is dropped for that peer and counted. Zero: 32.
	QueueLength int
	// Logger receives delivery failures: at Warn when a peer starts
	// failing, at Info when it recovers, at Debug otherwise. Nil:
	// slog.Default().
	Logger *slog.Logger
}

// PeerStats are the broadcast counters of one peer.
type PeerStats struct {
	Sent    uint64 // broadcasts the peer accepted
	Failed  uint64 // broadcasts whose post failed or was refused
	Dropped uint64 // broadcasts dropped because the peer's queue was full
}

// ClientStats are a Client's counters since it was created.
type ClientStats struct {
	Peers    map[string]PeerStats // of the peers configured now
	Requests uint64               // requests sent
	Failed   uint64               // requests that failed
}

// Client sends a replica's messages to its peers by URL; it implements
// antientropy.Transport and is safe for concurrent use.
type Client struct {
	self   string
	o      ClientOptions
	sign   *signer
	owned  bool            // o.HTTPClient was made here: Close closes its idle connections
	ctx    context.Context // ends at Close
	cancel context.CancelFunc

	mu                sync.RWMutex
	closed            bool
	peers             map[string]*peer
	requests, rfailed uint64
	wg                sync.WaitGroup // sending goroutines
}

// NewClient returns a client with the default options, but for client (nil:
// NewHTTPClient(nil)) and maxMessageSize (zero: the default). See
// NewClientWithOptions.
func NewClient(self string, peers map[string]string, client *http.Client, maxMessageSize int) *Client {
	c, _ := NewClientWithOptions(self, peers, &ClientOptions{HTTPClient: client, MaxMessageSize: maxMessageSize})
	return c // without a secret, no error
}

// NewClientWithOptions returns a client that names itself self (the
// replica's Options.ID) and reaches peers, a map of peer names (their
// Options.ID) to base URLs (the URL under which each peer's Handler is
// mounted). A nil opts means the defaults. It fails only for a secret
// shorter than MinSecretSize.
func NewClientWithOptions(self string, peers map[string]string, opts *ClientOptions) (*Client, error) {
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	if len(o.Secret) > 0 && len(o.Secret) < MinSecretSize {
		return nil, fmt.Errorf("httptransport: a secret of %d bytes is shorter than MinSecretSize (%d)", len(o.Secret), MinSecretSize)
	}
	owned := o.HTTPClient == nil
	if owned {
		o.HTTPClient = NewHTTPClient(o.TLS)
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = antientropy.DefaultMaxMessageSize
	}
	if o.BroadcastTimeout <= 0 {
		o.BroadcastTimeout = DefaultBroadcastTimeout
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.QueueLength <= 0 {
		o.QueueLength = DefaultQueueLength
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	c := &Client{self: self, o: o, owned: owned, peers: map[string]*peer{}}
	if len(o.Secret) > 0 {
		c.sign = &signer{key: slices.Clone(o.Secret)}
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	for name, u := range peers {
		c.peers[name] = c.newPeer(name, u)
	}
	return c, nil
}

// SetPeer adds or replaces a peer; an empty url removes it. Broadcasts
// queued for a replaced or removed peer are abandoned.
func (c *Client) SetPeer(name, url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.peers[name]; old != nil {
		old.cancel()
		delete(c.peers, name)
	}
	if url != "" && !c.closed {
		c.peers[name] = c.newPeer(name, url)
	}
}

// Close cancels the posts and requests under way, abandons the queued
// broadcasts, waits for the sending goroutines to end and, unless the
// HTTP client was given in ClientOptions, closes its idle connections.
// Later calls return ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	if c.owned {
		c.o.HTTPClient.CloseIdleConnections()
	}
	return nil
}

// Stats returns a snapshot of the client's counters.
func (c *Client) Stats() ClientStats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st := ClientStats{Peers: make(map[string]PeerStats, len(c.peers)), Requests: c.requests, Failed: c.rfailed}
	for name, p := range c.peers {
		st.Peers[name] = PeerStats{Sent: p.sent.Load(), Failed: p.failed.Load(), Dropped: p.dropped.Load()}
	}
	return st
}

// post sends msg to endpoint of peer to at url, with deadline timeout,
// signed if the client has a secret; it returns the response and the
// nonce of the signature.
func (c *Client) post(ctx context.Context, to, url, endpoint string, msg []byte) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/"+endpoint, bytes.NewReader(msg))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set(Header, c.self)
	req.Header.Set("Content-Type", "application/octet-stream")
	var nonce string
	if c.sign != nil {
		nonce = c.sign.sign(req, endpoint, c.self, to, msg, time.Now())
	}
	resp, err := c.o.HTTPClient.Do(req)
	return resp, nonce, err
}

// Broadcast queues msg for every peer and returns at once: it never waits
// for a peer. A peer whose queue is full misses msg (counted in Stats).
// It returns ErrClosed after Close, or ctx's error if ctx has ended.
func (c *Client) Broadcast(ctx context.Context, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg = slices.Clone(msg) // the caller may reuse msg; the peers share the copy
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return ErrClosed
	}
	for _, p := range c.peers {
		p.enqueue(msg)
	}
	return nil
}

// BroadcastCopies reports true: Broadcast queues a copy of msg.
func (c *Client) BroadcastCopies() bool { return true }

// Request posts msg to peer and returns its reply, within
// ClientOptions.RequestTimeout.
func (c *Client) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	c.mu.Lock()
	p, ok := c.peers[peer]
	closed := c.closed
	c.requests++
	c.mu.Unlock()
	switch {
	case closed:
		return nil, ErrClosed
	case !ok:
		c.requestFailed()
		return nil, fmt.Errorf("httptransport: unknown peer %q", peer)
	}
	reply, err := c.request(ctx, p, msg)
	if err != nil {
		c.requestFailed()
	}
	return reply, err
}

func (c *Client) requestFailed() {
	c.mu.Lock()
	c.rfailed++
	c.mu.Unlock()
}

func (c *Client) request(ctx context.Context, p *peer, msg []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.o.RequestTimeout)
	defer cancel()
	stop := context.AfterFunc(c.ctx, cancel) // Close ends requests too
	defer stop()
	resp, nonce, err := c.post(ctx, p.name, p.url, "request", msg)
	if err != nil {
		return nil, fmt.Errorf("httptransport: request to %q: %w", p.name, err)
	}
	defer resp.Body.Close()
	limit := int64(c.o.MaxMessageSize)
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("httptransport: request to %q: %w", p.name, err)
	}
	text := func() string { return strings.TrimSpace(string(body[:min(len(body), 512)])) }
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("httptransport: request to %q: %s: %w", p.name, text(), ErrUnauthorized)
	case resp.StatusCode == http.StatusConflict:
		return nil, fmt.Errorf("httptransport: request to %q: %s: %w", p.name, text(), antientropy.ErrConfigMismatch)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("httptransport: request to %q: %s: %s", p.name, resp.Status, text())
	case int64(len(body)) > limit:
		return nil, fmt.Errorf("httptransport: reply from %q exceeds %d bytes: %w", p.name, limit, antientropy.ErrMalformed)
	}
	if c.sign != nil {
		sig, err := b64.DecodeString(resp.Header.Get(HeaderSignature))
		if err != nil || !hmac.Equal(sig, c.sign.reply(nonce, resp.StatusCode, body)) {
			return nil, fmt.Errorf("httptransport: reply from %q is not signed with the shared secret: %w", p.name, ErrUnauthorized)
		}
	}
	return body, nil
}
