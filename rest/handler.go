// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/stratakv/strata"
)

// Headers that Zenoh's clients ignore and that carry what strata adds.
const (
	// HeaderTimestamp carries a sample's HLC timestamp ("<u64>/<hex id>"):
	// in a PUT or DELETE request, the sample's own timestamp (the write is
	// then Store.Apply, last writer wins); in the answer to a write, the
	// timestamp stored.
	HeaderTimestamp = "X-Strata-Timestamp"
	// HeaderResult, in the answer to a write with a timestamp, says what
	// it did: inserted, replaced, deleted or outdated.
	HeaderResult = "X-Strata-Result"
)

// Defaults of Options.
const (
	DefaultMaxBodyBytes   = 16 << 20
	DefaultRequestTimeout = 60 * time.Second
	DefaultKeepAlive      = 15 * time.Second
)

// Options configure a Handler. A nil *Options means the zero value, whose
// fields all have the defaults documented below.
type Options struct {
	// MaxBodyBytes bounds the body of a PUT; a larger one is refused with
	// 413 before it is read whole. Zero: 16 MiB (and never more than the
	// store's own Options.MaxValueSize allows, which the store enforces).
	MaxBodyBytes int64
	// RequestTimeout bounds the work of one GET, PUT or DELETE, including
	// writing the answer to a slow client (a live subscription is not
	// bound by it). Zero: 60 s.
	RequestTimeout time.Duration
	// KeepAlive is how often a live subscription sends a comment line
	// when nothing changes, so that proxies keep it open and a vanished
	// client is noticed. Zero: 15 s.
	KeepAlive time.Duration
	// Logger receives failures the client cannot be told about. Nil:
	// slog.Default().
	Logger *slog.Logger
}

// Handler is an http.Handler that serves a Store with the API of Zenoh's
// REST plugin. It is safe for concurrent use.
type Handler struct {
	store *strata.Store
	opts  Options
	done  context.Context // ended by Close
	close context.CancelFunc
}

// NewHandler returns a Handler over store. The store stays the caller's
// to close, after the server has shut down.
func NewHandler(store *strata.Store, opts *Options) *Handler {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = DefaultKeepAlive
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	done, cancel := context.WithCancel(context.Background())
	return &Handler{store: store, opts: o, done: done, close: cancel}
}

// Close ends the live subscriptions in progress (their streams end as if
// the client had gone) and refuses new ones with 503. Call it before
// http.Server.Shutdown, which waits for every handler to return. Other
// requests are served as before. Close is idempotent.
func (h *Handler) Close() { h.close() }

// ServeHTTP answers GET (and HEAD), PUT, DELETE and OPTIONS on
// /<selector>. It reads the key from the URL's path as is: no cleaning,
// so "a//b" is refused as an invalid key rather than rewritten into
// another one.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setCORS(w.Header())
	key := strings.TrimPrefix(r.URL.Path, "/")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.get(w, r, key)
	case http.MethodPut:
		h.put(w, r, key)
	case http.MethodDelete:
		h.delete(w, r, key)
	case http.MethodOptions:
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", allowedMethods)
		httpError(w, http.StatusMethodNotAllowed, "method %s not allowed: use GET, PUT, DELETE or OPTIONS", r.Method)
	}
}

const allowedMethods = "GET, HEAD, PUT, DELETE, OPTIONS"

// setCORS allows any origin, as Zenoh's plugin does, and answers
// preflights for the methods and headers the API uses.
func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", allowedMethods)
	h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, "+HeaderTimestamp)
	h.Set("Access-Control-Expose-Headers", HeaderTimestamp+", "+HeaderResult)
	h.Set("Access-Control-Max-Age", "600")
}

// NewServer returns an http.Server for handler with the timeouts a
// server on the open internet needs: a client cannot hold a connection by
// sending its headers or body slowly, nor keep an idle one forever. Write
// deadlines are set per request by the Handler (a live subscription has
// none), so WriteTimeout stays zero.
func NewServer(addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
