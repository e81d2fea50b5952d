// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"errors"
	"strconv"
)

// Sentinel errors. Errors returned by this package wrap one of them, so
// callers test with errors.Is; the messages add the offending input.
var (
	// ErrInvalidID reports an ID that is zero, longer than 16 bytes, or
	// not in the canonical hexadecimal form.
	ErrInvalidID = errors.New("hlc: invalid ID")

	// ErrInvalidTimestamp reports a timestamp string or binary encoding
	// that is not in canonical form. When the ID part is at fault, the
	// error also satisfies errors.Is(err, ErrInvalidID).
	ErrInvalidTimestamp = errors.New("hlc: invalid timestamp")

	// ErrDrift reports a timestamp given to Clock.Update that is further
	// ahead of the physical clock than the clock's MaxDelta allows.
	ErrDrift = errors.New("hlc: timestamp too far ahead of the physical clock")
)

// maxQuoted bounds how much of a rejected input an error message repeats.
const maxQuoted = 64

// syntaxError is the error of ParseID, Parse and the binary decoders. It is
// built only on failure, so the success paths stay allocation-free.
type syntaxError struct {
	kinds  []error // sentinels matched by errors.Is; kinds[0] prefixes the message
	input  string
	quoted bool // whether input is repeated in the message
	reason string
}

func (e *syntaxError) Error() string {
	msg := e.kinds[0].Error()
	if e.quoted {
		in := e.input
		if len(in) > maxQuoted {
			in = in[:maxQuoted] + "..."
		}
		msg += " " + strconv.Quote(in)
	}
	return msg + ": " + e.reason
}

func (e *syntaxError) Unwrap() []error { return e.kinds }

var (
	idKinds        = []error{ErrInvalidID}
	timestampKinds = []error{ErrInvalidTimestamp}
	timestampID    = []error{ErrInvalidTimestamp, ErrInvalidID}
)

func invalidID(input, reason string) error {
	return &syntaxError{kinds: idKinds, input: input, quoted: true, reason: reason}
}

func invalidTimestamp(input, reason string) error {
	return &syntaxError{kinds: timestampKinds, input: input, quoted: true, reason: reason}
}

func invalidTimestampID(input, reason string) error {
	return &syntaxError{kinds: timestampID, input: input, quoted: true, reason: reason}
}

func invalidEncoding(reason string) error {
	return &syntaxError{kinds: timestampKinds, reason: reason}
}
