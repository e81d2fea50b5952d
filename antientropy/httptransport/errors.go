// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import "errors"

// Sentinel errors; errors returned by this package wrap them with %w.
var (
	// ErrUnauthorized: the peer refused the message (401 or 403: wrong or
	// missing secret, certificate or name), or its reply was not signed
	// with the shared secret.
	ErrUnauthorized = errors.New("httptransport: not authorized")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("httptransport: client closed")
)
