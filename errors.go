// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import "errors"

// Sentinel errors. Errors returned by a Store wrap them with %w, name the
// operation and the key, and start with "strata:" once: the sentinels'
// own texts carry no prefix, so that a wrapped message reads
//
//	strata: put "other/a": key out of scope "fleet/**"
//
// Test them with errors.Is, never by message text. Errors from the backend
// are wrapped as well, so errors.Is also finds backend.ErrNotFound,
// backend.ErrCorrupt and the like, and hlc.ErrDrift for a sample too far in
// the future.
var (
	// ErrInvalidKey: the key or key expression is not valid (it also wraps
	// the keyexpr error that says why).
	ErrInvalidKey = errors.New("invalid key")
	// ErrOutOfScope: the key is outside the key expression the store serves.
	ErrOutOfScope = errors.New("key out of scope")
	// ErrReadOnly: the store (or its backend) is read-only.
	ErrReadOnly = errors.New("read-only store")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store closed")
	// ErrTooLarge: the value exceeds Options.MaxValueSize.
	ErrTooLarge = errors.New("value too large")
	// ErrInvalidSample: a sample given to Apply has an unknown Kind, a
	// timestamp without an ID, an over-long encoding, or a wildcard key on
	// a put.
	ErrInvalidSample = errors.New("invalid sample")
	// ErrIncompatible: the backend holds a store created with another
	// KeyExpr or StripPrefix, or store metadata this version cannot read.
	ErrIncompatible = errors.New("incompatible store metadata")
	// ErrNotFound: Lookup found no live sample under the key: the key was
	// never written, or its latest change is a delete (a tombstone, or a
	// remembered wildcard delete newer than its value).
	ErrNotFound = errors.New("not found")
	// ErrLagged: a Subscribe loop fell so far behind the writers that its
	// buffer filled up; changes were dropped for it and its iteration
	// ended. Subscribe again (and Get what may have been missed).
	ErrLagged = errors.New("subscriber lagged behind the writers")
)
