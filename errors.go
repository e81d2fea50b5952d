package strata

import "errors"

// Sentinel errors. Errors returned by a Store wrap them with %w, name the
// key, and start with "strata:"; test them with errors.Is. Errors from the
// backend are wrapped as well, so errors.Is also finds backend.ErrNotFound,
// backend.ErrCorrupt and the like, and hlc.ErrDrift for a sample too far in
// the future.
var (
	// ErrInvalidKey: the key or key expression is not valid (it also wraps
	// the keyexpr error that says why).
	ErrInvalidKey = errors.New("strata: invalid key")
	// ErrOutOfScope: the key is outside the key expression the store serves.
	ErrOutOfScope = errors.New("strata: key out of scope")
	// ErrReadOnly: the store (or its backend) is read-only.
	ErrReadOnly = errors.New("strata: read-only store")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("strata: store closed")
	// ErrTooLarge: the value exceeds Options.MaxValueSize.
	ErrTooLarge = errors.New("strata: value too large")
	// ErrInvalidSample: a sample given to Apply has an unknown Kind, a
	// timestamp without an ID, an over-long encoding, or a wildcard key on
	// a put.
	ErrInvalidSample = errors.New("strata: invalid sample")
	// ErrIncompatible: the backend holds a store created with another
	// KeyExpr or StripPrefix, or store metadata this version cannot read.
	ErrIncompatible = errors.New("strata: incompatible store metadata")
)
