// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import "errors"

// Sentinel errors; errors returned by this package wrap them with %w and
// start with "antientropy:". Test them with errors.Is.
var (
	// ErrInvalidOptions: Options that cannot work (see Options).
	ErrInvalidOptions = errors.New("antientropy: invalid options")
	// ErrConfigMismatch: the peer replicates with another configuration
	// (key expression, strip prefix, era parameters or tombstone
	// lifespan); the replicas do not align.
	ErrConfigMismatch = errors.New("antientropy: configuration mismatch")
	// ErrMalformed: a message could not be decoded (truncated, hostile,
	// another protocol version, or larger than MaxMessageSize).
	ErrMalformed = errors.New("antientropy: malformed message")
	// ErrClosed: the replica was closed.
	ErrClosed = errors.New("antientropy: replica closed")
)
