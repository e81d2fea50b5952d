// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"sync/atomic"
	"time"

	"github.com/stratakv/strata/antientropy"
)

// Default values of HandlerOptions.
const (
	DefaultConcurrency             = 8
	DefaultReadTimeout             = 30 * time.Second
	DefaultHandleTimeout           = 30 * time.Second
	DefaultHandlerBroadcastTimeout = 5 * time.Minute
)

// HandlerOptions configure a Handler; nil means the defaults.
type HandlerOptions struct {
	// MaxMessageSize bounds request bodies; it should equal the replica's
	// Options.MaxMessageSize. Zero: antientropy.DefaultMaxMessageSize.
	MaxMessageSize int
	// Context bounds the background handling of broadcasts. Nil:
	// context.Background().
	Context context.Context
	// Concurrency bounds the broadcasts handled at once (each may align
	// with its sender); more are dropped, as a lossy network would. Zero: 8.
	Concurrency int
	// Logger receives failed handlings (Debug) and refusals (Warn, at most
	// once a minute). Nil: slog.Default().
	Logger *slog.Logger

	// ID is this replica's name, which signatures bind a message to. Empty:
	// the receiver's ID() if it has that method (as *antientropy.Replica
	// does), else "".
	ID string
	// Secret, if not empty, is the shared secret that every message must be
	// signed with (see the package doc); at least MinSecretSize bytes.
	// Replies are signed with it.
	Secret []byte
	// PreviousSecret, if not empty, is also accepted, so that the secret
	// can be changed without downtime: handlers first accept both, then
	// clients sign with the new one, then the old one is dropped.
	PreviousSecret []byte
	// MaxSkew is how far a signed message's time may be from this
	// handler's clock; nonces are remembered for twice as long. Zero: 30 s.
	MaxSkew time.Duration
	// RequireClientCert refuses (401) a message that did not come over TLS
	// with a client certificate that the server's configuration verified.
	RequireClientCert bool
	// CertNames refuses (403) a message whose sender name (Strata-Replica)
	// is not among the DNS names or the common name of its verified client
	// certificate. It implies RequireClientCert.
	CertNames bool

	// ReadTimeout bounds the reading of a message's body. Zero: 30 s.
	ReadTimeout time.Duration
	// HandleTimeout bounds the replica's handling of a request and the
	// writing of its reply. Zero: 30 s.
	HandleTimeout time.Duration
	// BroadcastTimeout bounds the background handling of one broadcast (an
	// alignment with its sender). Zero: 5 min.
	BroadcastTimeout time.Duration

	// now replaces time.Now, in tests.
	now func() time.Time
}

// HandlerStats are a Handler's counters since NewHandler.
type HandlerStats struct {
	Broadcasts uint64 // broadcasts handed to the replica
	Requests   uint64 // requests handed to the replica
	Dropped    uint64 // broadcasts dropped because Concurrency were under way
	Refused    uint64 // messages refused for their credentials (401, 403)
	Invalid    uint64 // messages refused as invalid (400, 404, 405, 413)
}

// Handler serves a replica's incoming messages. Create it with NewHandler;
// it is safe for concurrent use.
type Handler struct {
	r       antientropy.Receiver
	o       HandlerOptions
	signers []signer
	nonces  *nonces
	started time.Time     // signed messages from before it are refused (ms)
	pending chan struct{} // bounds the broadcasts handled at once

	broadcasts, requests, dropped, refused, invalid atomic.Uint64
	lastWarn                                        atomic.Int64 // unix ns of the last refusal logged at Warn
}

// NewHandler returns an http.Handler for r (a *antientropy.Replica). A nil
// opts means the defaults. NewHandler panics if opts holds a secret
// shorter than MinSecretSize: a configuration that cannot be secure.
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
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ID == "" {
		if id, ok := r.(interface{ ID() string }); ok {
			o.ID = id.ID()
		}
	}
	if o.MaxSkew <= 0 {
		o.MaxSkew = DefaultMaxSkew
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.HandleTimeout <= 0 {
		o.HandleTimeout = DefaultHandleTimeout
	}
	if o.BroadcastTimeout <= 0 {
		o.BroadcastTimeout = DefaultHandlerBroadcastTimeout
	}
	if o.now == nil {
		o.now = time.Now
	}
	o.RequireClientCert = o.RequireClientCert || o.CertNames
	h := &Handler{r: r, o: o, pending: make(chan struct{}, o.Concurrency)}
	for _, s := range [][]byte{o.Secret, o.PreviousSecret} {
		if len(s) == 0 {
			continue
		}
		if len(s) < MinSecretSize {
			panic(fmt.Sprintf("httptransport: a secret of %d bytes is shorter than MinSecretSize (%d)", len(s), MinSecretSize))
		}
		h.signers = append(h.signers, signer{key: slices.Clone(s)})
	}
	if len(o.PreviousSecret) > 0 && len(o.Secret) == 0 {
		panic("httptransport: PreviousSecret without Secret")
	}
	if len(h.signers) > 0 {
		h.nonces = newNonces(o.MaxSkew)
		// The nonces seen before this handler are not known to it: a
		// message signed before it started is refused, so that one
		// captured before a restart cannot be replayed after it.
		h.started = o.now().Truncate(time.Millisecond)
	}
	return h
}

// Stats returns a snapshot of the handler's counters.
func (h *Handler) Stats() HandlerStats {
	return HandlerStats{
		Broadcasts: h.broadcasts.Load(), Requests: h.requests.Load(), Dropped: h.dropped.Load(),
		Refused: h.refused.Load(), Invalid: h.invalid.Load(),
	}
}

// invalidRequest answers an invalid message.
func (h *Handler) invalidRequest(w http.ResponseWriter, msg string, code int) {
	h.invalid.Add(1)
	http.Error(w, msg, code)
}

// refuse answers a message whose credentials are refused, and logs it at
// Warn at most once a minute (Debug otherwise), so that a flood of
// refusals cannot flood the log.
func (h *Handler) refuse(w http.ResponseWriter, req *http.Request, from, reason string, code int) {
	h.refused.Add(1)
	level := slog.LevelDebug
	now := time.Now().UnixNano()
	if last := h.lastWarn.Load(); now-last >= int64(time.Minute) && h.lastWarn.CompareAndSwap(last, now) {
		level = slog.LevelWarn
	}
	h.o.Logger.Log(req.Context(), level, "httptransport: message refused", "from", from, "remote", req.RemoteAddr,
		"reason", reason, "refused", h.refused.Load())
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Strata-HMAC-SHA256 realm="replication"`)
	}
	http.Error(w, http.StatusText(code)+": "+reason, code)
}

// ServeHTTP handles POST …/broadcast and POST …/request. Credentials are
// checked before the body is read, and the signature over the body before
// the replica sees it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		h.invalidRequest(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	endpoint := path.Base(req.URL.Path)
	if endpoint != "broadcast" && endpoint != "request" {
		h.invalidRequest(w, "not found", http.StatusNotFound)
		return
	}
	from := req.Header.Get(Header)
	if from == "" {
		h.invalidRequest(w, "missing "+Header+" header", http.StatusBadRequest)
		return
	}
	if h.o.RequireClientCert {
		if req.TLS == nil || len(req.TLS.VerifiedChains) == 0 {
			h.refuse(w, req, from, "no verified client certificate", http.StatusUnauthorized)
			return
		}
		if h.o.CertNames && !certNames(req, from) {
			h.refuse(w, req, from, "the client certificate does not name the sender", http.StatusForbidden)
			return
		}
	}
	var cred credentials
	if h.nonces != nil {
		var reason string
		if cred, reason = parseCredentials(req.Header); reason != "" {
			h.refuse(w, req, from, reason, http.StatusUnauthorized)
			return
		}
		if skew := h.o.now().Sub(cred.time); skew > h.o.MaxSkew || skew < -h.o.MaxSkew {
			h.refuse(w, req, from, "stale or future "+HeaderTime, http.StatusUnauthorized)
			return
		}
		if cred.time.Before(h.started) {
			h.refuse(w, req, from, HeaderTime+" before this handler started", http.StatusUnauthorized)
			return
		}
	}
	if req.ContentLength > int64(h.o.MaxMessageSize) {
		h.invalidRequest(w, "message too large", http.StatusRequestEntityTooLarge)
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(h.o.ReadTimeout)) // not every ResponseWriter supports deadlines
	msg, err := io.ReadAll(http.MaxBytesReader(w, req.Body, int64(h.o.MaxMessageSize)))
	if err != nil {
		// Keep the deadline: the server may try to read the rest of the
		// body before it answers; and do not reuse the connection.
		w.Header().Set("Connection", "close")
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.invalidRequest(w, "message too large", http.StatusRequestEntityTooLarge)
		} else {
			h.invalidRequest(w, "message unreadable: "+err.Error(), http.StatusBadRequest)
		}
		return
	}
	_ = rc.SetReadDeadline(time.Time{})
	var key *signer
	if h.nonces != nil {
		if key = h.verify(req.Method, endpoint, from, cred, msg); key == nil {
			h.refuse(w, req, from, "wrong signature", http.StatusUnauthorized)
			return
		}
		if !h.nonces.add(cred.nonce, h.o.now()) {
			h.refuse(w, req, from, "replayed "+HeaderNonce, http.StatusUnauthorized)
			return
		}
	}
	if endpoint == "broadcast" {
		h.broadcast(w, from, msg)
		return
	}
	h.request(w, req, rc, from, msg, key, cred.nonce)
}

// verify returns the signer whose signature msg carries, or nil.
func (h *Handler) verify(method, endpoint, from string, cred credentials, msg []byte) *signer {
	for i := range h.signers {
		if hmac.Equal(cred.sig, h.signers[i].request(method, endpoint, from, h.o.ID, cred.ts, cred.nonce, msg)) {
			return &h.signers[i]
		}
	}
	return nil
}

// certNames reports whether the verified client certificate of req names
// from.
func certNames(req *http.Request, from string) bool {
	leaf := req.TLS.VerifiedChains[0][0]
	return leaf.Subject.CommonName == from || slices.Contains(leaf.DNSNames, from)
}

// broadcast answers 202 at once and hands msg to the replica in the
// background, unless Concurrency broadcasts are under way.
func (h *Handler) broadcast(w http.ResponseWriter, from string, msg []byte) {
	select {
	case h.pending <- struct{}{}:
		h.broadcasts.Add(1)
		go func() {
			defer func() { <-h.pending }()
			ctx, cancel := context.WithTimeout(h.o.Context, h.o.BroadcastTimeout)
			defer cancel()
			if err := h.r.HandleBroadcast(ctx, from, msg); err != nil {
				h.o.Logger.Debug("httptransport: broadcast", "from", from, "err", err)
			}
		}()
	default: // busy: dropped, as a lossy network would
		h.dropped.Add(1)
	}
	w.WriteHeader(http.StatusAccepted)
}

// request hands msg to the replica and writes its reply, signed with key
// if not nil.
func (h *Handler) request(w http.ResponseWriter, req *http.Request, rc *http.ResponseController, from string, msg []byte, key *signer, nonce string) {
	h.requests.Add(1)
	_ = rc.SetWriteDeadline(time.Now().Add(h.o.HandleTimeout + h.o.ReadTimeout))
	ctx, cancel := context.WithTimeout(req.Context(), h.o.HandleTimeout)
	defer cancel()
	reply, err := h.r.HandleRequest(ctx, from, msg)
	status := http.StatusOK
	switch {
	case errors.Is(err, antientropy.ErrConfigMismatch):
		status = http.StatusConflict
	case errors.Is(err, antientropy.ErrMalformed):
		status = http.StatusBadRequest
	case err != nil:
		status = http.StatusInternalServerError
	}
	if err != nil {
		h.o.Logger.Debug("httptransport: request", "from", from, "err", err)
		reply = []byte(err.Error() + "\n")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	if key != nil {
		w.Header().Set(HeaderSignature, b64.EncodeToString(key.reply(nonce, status, reply)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(reply)
}
