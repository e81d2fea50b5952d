// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"errors"
	"fmt"
)

// ErrInvalid is the sentinel that every parse and validation error of this
// package satisfies: errors.Is(err, ErrInvalid) reports whether err says that
// a key or key expression is invalid (or, for [Parse], not canonical).
var ErrInvalid = errors.New("keyexpr: invalid key expression")

// Error describes why a string is not a valid key expression or key.
// It is returned as *Error and satisfies errors.Is(err, ErrInvalid).
type Error struct {
	// Expr is the string that was rejected.
	Expr string
	// Chunk is the 0-based index of the offending chunk, or -1 when the
	// problem is not tied to one chunk (the empty string).
	Chunk int
	// Reason says what is wrong, e.g. "empty chunk".
	Reason string
}

// Error formats the error as
//
//	keyexpr: invalid key expression "a//b": chunk 1: empty chunk
func (e *Error) Error() string {
	if e.Chunk < 0 {
		return fmt.Sprintf("keyexpr: invalid key expression %q: %s", e.Expr, e.Reason)
	}
	return fmt.Sprintf("keyexpr: invalid key expression %q: chunk %d: %s", e.Expr, e.Chunk, e.Reason)
}

// Is reports whether target is [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

func invalid(expr string, chunk int, reason string) error {
	return &Error{Expr: expr, Chunk: chunk, Reason: reason}
}
