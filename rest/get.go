// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// get answers a selector: a JSON array of samples (Zenoh's format),
// streamed in key order; the raw value of the first sample with "_raw";
// a live subscription with Accept: text/event-stream.
func (h *Handler) get(w http.ResponseWriter, r *http.Request, selector string) {
	if firstAccept(r) == "text/event-stream" {
		h.subscribe(w, r, selector)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.RequestTimeout)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(h.opts.RequestTimeout))
	if hasParam(r.URL.RawQuery, "_raw") {
		h.getRaw(ctx, w, selector)
		return
	}
	n := 0
	for smp, err := range h.store.Get(ctx, selector) {
		if err != nil {
			if n == 0 {
				h.fail(w, err)
				return
			}
			// The status is sent: break the response rather than end a
			// valid-looking, truncated array.
			if r.Context().Err() == nil {
				h.opts.Logger.Warn("rest: get failed while streaming", "selector", selector, "err", err)
			}
			panic(http.ErrAbortHandler)
		}
		if n == 0 {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "[\n")
		} else {
			io.WriteString(w, ",\n")
		}
		n++
		b, _ := json.Marshal(itemOf(smp)) // strings and valid JSON: cannot fail
		w.Write(b)
	}
	if n == 0 {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "[]\n")
		return
	}
	io.WriteString(w, "\n]\n")
}

// getRaw answers the value of the first sample the selector matches, with
// its encoding as Content-Type, or 404.
func (h *Handler) getRaw(ctx context.Context, w http.ResponseWriter, selector string) {
	for smp, err := range h.store.Get(ctx, selector) {
		if err != nil {
			h.fail(w, err)
			return
		}
		enc := smp.Encoding
		if enc == "" {
			enc = "application/octet-stream"
		}
		hd := w.Header()
		hd.Set("Content-Type", enc)
		hd.Set("Content-Length", strconv.Itoa(len(smp.Value)))
		hd.Set(HeaderTimestamp, smp.Timestamp.String())
		w.Write(smp.Value)
		return
	}
	httpError(w, http.StatusNotFound, "no value matches %q", selector)
}

// firstAccept is the first media type of the Accept header, as Zenoh's
// plugin reads it; "application/json" when there is none.
func firstAccept(r *http.Request) string {
	a := r.Header.Get("Accept")
	if a == "" {
		return "application/json"
	}
	a, _, _ = strings.Cut(a, ",")
	a, _, _ = strings.Cut(a, ";")
	return strings.ToLower(strings.TrimSpace(a))
}

// hasParam reports whether a selector's parameters (the URL query,
// separated by '&' or, in older Zenoh selectors, ';') include name.
func hasParam(query, name string) bool {
	for _, p := range strings.FieldsFunc(query, func(c rune) bool { return c == '&' || c == ';' }) {
		k, _, _ := strings.Cut(p, "=")
		if k == name {
			return true
		}
	}
	return false
}
