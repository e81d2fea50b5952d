// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

// subscribe streams every change whose key the selector matches as
// Server-Sent Events, as Zenoh's plugin does: the event name is the kind
// ("PUT" or "DELETE") and the data the sample's JSON. It reads
// Store.Subscribe, whose bounded buffer never slows a writer: a client
// that falls behind gets an "error" event, and the stream ends.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request, selector string) {
	if len(selector) > strata.MaxKeyLen {
		httpError(w, http.StatusBadRequest, "selector of %d bytes: the limit is %d bytes (MaxKeyLen)", len(selector), strata.MaxKeyLen)
		return
	}
	sel, err := keyexpr.Canonize(selector)
	if err != nil {
		httpError(w, http.StatusBadRequest, "invalid selector %q: %v", selector, err)
		return
	}
	if scope, err := keyexpr.Parse(h.store.KeyExpr()); err == nil && !sel.Intersects(scope) {
		httpError(w, http.StatusForbidden, "selector %q is outside the store's key expression %q", selector, h.store.KeyExpr())
		return
	}
	if h.done.Err() != nil {
		httpError(w, http.StatusServiceUnavailable, "the server is shutting down")
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(h.done, cancel)()
	type event struct {
		smp strata.Sample
		err error
	}
	events := make(chan event)
	sub := h.store.Subscribe(ctx, selector) // registered before the stream starts
	go func() {
		defer close(events)
		for smp, err := range sub {
			select {
			case events <- event{smp, err}:
			case <-ctx.Done():
				return
			}
		}
	}()

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a subscription lasts
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	keepAlive := time.NewTicker(h.opts.KeepAlive)
	defer keepAlive.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ev.err != nil { // lagged, or the store closed
				h.send(w, rc, "error", strconv.Quote(strings.TrimPrefix(ev.err.Error(), "strata: ")))
				return
			}
			b, _ := json.Marshal(itemOf(ev.smp))
			if !h.send(w, rc, strings.ToUpper(ev.smp.Kind.String()), string(b)) {
				return
			}
		case <-keepAlive.C:
			_ = rc.SetWriteDeadline(time.Now().Add(h.opts.RequestTimeout))
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// send writes one event within a write deadline; false if the client is
// gone.
func (h *Handler) send(w http.ResponseWriter, rc *http.ResponseController, event, data string) bool {
	_ = rc.SetWriteDeadline(time.Now().Add(h.opts.RequestTimeout))
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
		return false
	}
	return rc.Flush() == nil
}
