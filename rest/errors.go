// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// httpError answers code with a one-line plain-text body.
func httpError(w http.ResponseWriter, code int, format string, args ...any) {
	http.Error(w, fmt.Sprintf(format, args...), code)
}

// fail answers a store error, classified with errors.Is in this one
// place: the client's mistakes are 4xx with the store's message, which
// names the key and the limit hit; the server's are 5xx and logged.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, strata.ErrInvalidKey), errors.Is(err, strata.ErrInvalidSample), errors.Is(err, hlc.ErrDrift):
		code = http.StatusBadRequest
	case errors.Is(err, strata.ErrOutOfScope), errors.Is(err, strata.ErrReadOnly):
		code = http.StatusForbidden
	case errors.Is(err, strata.ErrTooLarge):
		code = http.StatusRequestEntityTooLarge
	case errors.Is(err, strata.ErrWildcardLimit):
		code = http.StatusTooManyRequests
	case errors.Is(err, strata.ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		code = http.StatusServiceUnavailable
	case errors.Is(err, backend.ErrUnavailable):
		code = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "1")
	}
	if code >= 500 {
		h.opts.Logger.Error("rest: store error", "err", err)
	}
	http.Error(w, err.Error(), code)
}
