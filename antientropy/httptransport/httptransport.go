// Package httptransport carries antientropy messages over HTTP with
// net/http, so that replicas in different processes replicate out of the
// box: a Handler serves a replica's incoming broadcasts and requests, and
// a Client (an antientropy.Transport) addresses peers by base URL.
//
// Each message is the body of a POST: to BASE/broadcast (answered 202
// Accepted at once; the replica handles the digest in the background,
// aligning with the sender) or to BASE/request (answered 200 with the
// reply as body). The sender names itself in the Strata-Replica header.
// A request refused for a configuration mismatch is answered 409 and the
// client returns an error wrapping antientropy.ErrConfigMismatch.
//
// The transport neither authenticates nor encrypts: serve it over TLS and
// behind whatever authentication the deployment uses (wrap the Handler,
// set the Client's *http.Client).
package httptransport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/stratakv/strata/antientropy"
)

// Header names the sending replica.
const Header = "Strata-Replica"

// Handler serves a replica's incoming messages. Create it with NewHandler.
type Handler struct {
	r       antientropy.Receiver
	max     int64
	ctx     context.Context
	logger  *slog.Logger
	pending chan struct{} // bounds the broadcasts handled at once
}

// HandlerOptions configure a Handler; nil means the defaults.
type HandlerOptions struct {
	// MaxMessageSize bounds request bodies; it should equal the replica's
	// Options.MaxMessageSize. Zero: antientropy.DefaultMaxMessageSize.
	MaxMessageSize int
	// Context bounds the background handling of broadcasts. Nil:
	// context.Background().
	Context context.Context
	// Concurrency bounds the broadcasts handled at once (each may align
	// with its sender); more are dropped, as a lossy network would. Zero: 4.
	Concurrency int
	// Logger receives failed handlings. Nil: slog.Default().
	Logger *slog.Logger
}

// NewHandler returns an http.Handler for r (a *antientropy.Replica).
func NewHandler(r antientropy.Receiver, opts *HandlerOptions) *Handler {
	var o HandlerOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = antientropy.DefaultMaxMessageSize
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Concurrency == 0 {
		o.Concurrency = 4
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Handler{r: r, max: int64(o.MaxMessageSize), ctx: o.Context, logger: o.Logger, pending: make(chan struct{}, o.Concurrency)}
}

// ServeHTTP handles POST …/broadcast and POST …/request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	from := req.Header.Get(Header)
	if from == "" {
		http.Error(w, "missing "+Header+" header", http.StatusBadRequest)
		return
	}
	msg, err := io.ReadAll(http.MaxBytesReader(w, req.Body, h.max))
	if err != nil {
		http.Error(w, "message too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	switch {
	case strings.HasSuffix(req.URL.Path, "/broadcast"):
		select {
		case h.pending <- struct{}{}:
			go func() {
				defer func() { <-h.pending }()
				if err := h.r.HandleBroadcast(h.ctx, from, msg); err != nil {
					h.logger.Debug("httptransport: broadcast", "from", from, "err", err)
				}
			}()
		default: // busy: dropped, the next digest comes soon
		}
		w.WriteHeader(http.StatusAccepted)
	case strings.HasSuffix(req.URL.Path, "/request"):
		reply, err := h.r.HandleRequest(req.Context(), from, msg)
		switch {
		case errors.Is(err, antientropy.ErrConfigMismatch):
			http.Error(w, err.Error(), http.StatusConflict)
		case errors.Is(err, antientropy.ErrMalformed):
			http.Error(w, err.Error(), http.StatusBadRequest)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(reply)
		}
	default:
		http.NotFound(w, req)
	}
}

// Client sends a replica's messages to its peers by URL; it implements
// antientropy.Transport and is safe for concurrent use.
type Client struct {
	self   string
	client *http.Client
	max    int64

	mu    sync.RWMutex
	peers map[string]string // name → base URL
}

// NewClient returns a client that names itself self (the replica's
// Options.ID) and reaches peers, a map of peer names to base URLs (the
// URL under which each peer's Handler is mounted). A nil client means
// http.DefaultClient; maxMessageSize bounds replies (zero: the default).
func NewClient(self string, peers map[string]string, client *http.Client, maxMessageSize int) *Client {
	if client == nil {
		client = http.DefaultClient
	}
	if maxMessageSize == 0 {
		maxMessageSize = antientropy.DefaultMaxMessageSize
	}
	c := &Client{self: self, client: client, max: int64(maxMessageSize), peers: map[string]string{}}
	for name, u := range peers {
		c.peers[name] = strings.TrimSuffix(u, "/")
	}
	return c
}

// SetPeer adds or replaces a peer; an empty url removes it.
func (c *Client) SetPeer(name, url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if url == "" {
		delete(c.peers, name)
		return
	}
	c.peers[name] = strings.TrimSuffix(url, "/")
}

func (c *Client) post(ctx context.Context, url string, msg []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	req.Header.Set(Header, c.self)
	req.Header.Set("Content-Type", "application/octet-stream")
	return c.client.Do(req)
}

// Broadcast posts msg to every peer concurrently; it returns the errors
// joined, after every post has finished.
func (c *Client) Broadcast(ctx context.Context, msg []byte) error {
	c.mu.RLock()
	urls := make([]string, 0, len(c.peers))
	for _, u := range c.peers {
		urls = append(urls, u)
	}
	c.mu.RUnlock()
	errs := make([]error, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Go(func() {
			resp, err := c.post(ctx, u+"/broadcast", msg)
			if err != nil {
				errs[i] = err
				return
			}
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				errs[i] = fmt.Errorf("httptransport: broadcast to %s: %s", u, resp.Status)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Request posts msg to peer and returns its reply.
func (c *Client) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	c.mu.RLock()
	u, ok := c.peers[peer]
	c.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("httptransport: unknown peer %q", peer)
	}
	resp, err := c.post(ctx, u+"/request", msg)
	if err != nil {
		return nil, fmt.Errorf("httptransport: request to %q: %w", peer, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.max+1))
	if err != nil {
		return nil, fmt.Errorf("httptransport: request to %q: %w", peer, err)
	}
	switch {
	case resp.StatusCode == http.StatusConflict:
		return nil, fmt.Errorf("httptransport: request to %q: %s: %w", peer, strings.TrimSpace(string(body)), antientropy.ErrConfigMismatch)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("httptransport: request to %q: %s: %s", peer, resp.Status, strings.TrimSpace(string(body)))
	case int64(len(body)) > c.max:
		return nil, fmt.Errorf("httptransport: reply from %q exceeds %d bytes: %w", peer, c.max, antientropy.ErrMalformed)
	}
	return body, nil
}
