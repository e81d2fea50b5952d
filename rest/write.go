// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// put stores the body under key with its Content-Type as encoding. Without
// an X-Strata-Timestamp it is Store.PutEncoded, which always takes effect;
// with one, Store.Apply, which may find the sample outdated (409).
func (h *Handler) put(w http.ResponseWriter, r *http.Request, key string) {
	ts, ok := timestamp(w, r)
	if !ok {
		return
	}
	if r.ContentLength > h.opts.MaxBodyBytes {
		httpError(w, http.StatusRequestEntityTooLarge, "value of %d bytes: the limit is %d bytes", r.ContentLength, h.opts.MaxBodyBytes)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.RequestTimeout)
	defer cancel()
	value, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes))
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			httpError(w, http.StatusRequestEntityTooLarge, "value larger than the limit of %d bytes", h.opts.MaxBodyBytes)
			return
		}
		httpError(w, http.StatusBadRequest, "reading the body: %v", err)
		return
	}
	encoding := r.Header.Get("Content-Type")
	if ts.IsZero() {
		ts, err := h.store.PutEncoded(ctx, key, value, encoding)
		h.written(w, ts, err)
		return
	}
	h.apply(ctx, w, strata.Sample{Key: key, Value: value, Encoding: encoding, Timestamp: ts, Kind: strata.KindPut})
}

// delete deletes key, or every key a wildcard expression matches.
func (h *Handler) delete(w http.ResponseWriter, r *http.Request, keyExpr string) {
	ts, ok := timestamp(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.RequestTimeout)
	defer cancel()
	if ts.IsZero() {
		ts, err := h.store.Delete(ctx, keyExpr)
		h.written(w, ts, err)
		return
	}
	h.apply(ctx, w, strata.Sample{Key: keyExpr, Timestamp: ts, Kind: strata.KindDelete})
}

// written answers a Put or Delete: 200 with the timestamp stored, as
// Zenoh's plugin answers 200.
func (h *Handler) written(w http.ResponseWriter, ts hlc.Timestamp, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set(HeaderTimestamp, ts.String())
	w.WriteHeader(http.StatusOK)
}

// apply writes a sample with the caller's timestamp and answers from what
// it did: 200 with X-Strata-Result when it changed the store, 409 when a
// newer sample or delete won (final: retrying cannot change that).
func (h *Handler) apply(ctx context.Context, w http.ResponseWriter, smp strata.Sample) {
	res, err := h.store.Apply(ctx, smp)
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set(HeaderTimestamp, smp.Timestamp.String())
	w.Header().Set(HeaderResult, res.String())
	if res == strata.Outdated {
		httpError(w, http.StatusConflict, "outdated: the store holds a sample or delete of %q as new as %s or newer", smp.Key, smp.Timestamp)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// timestamp returns the request's X-Strata-Timestamp, zero without one;
// false after answering 400 for an invalid one.
func timestamp(w http.ResponseWriter, r *http.Request) (hlc.Timestamp, bool) {
	s := r.Header.Get(HeaderTimestamp)
	if s == "" {
		return hlc.Timestamp{}, true
	}
	ts, err := hlc.Parse(s)
	if err != nil {
		httpError(w, http.StatusBadRequest, "%s: %v", HeaderTimestamp, err)
		return hlc.Timestamp{}, false
	}
	return ts, true
}
