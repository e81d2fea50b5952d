// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"encoding/binary"
	"strconv"
)

// BinarySize is the size of the binary encoding of a Timestamp: the Time as
// 8 bytes big-endian, then the 16 bytes of the ID as stored (little-endian,
// zero-padded). Comparing two encodings with bytes.Compare gives the same
// result as Timestamp.Compare, so encodings can serve as sortable keys.
const BinarySize = 24

// AppendBinary appends the BinarySize-byte encoding of t to b. It fails with
// ErrInvalidTimestamp, appending nothing, when t has a zero ID and a
// non-zero Time; the zero Timestamp encodes as 24 zero bytes.
func (t Timestamp) AppendBinary(b []byte) ([]byte, error) {
	if t.ID.IsZero() && t.Time != 0 {
		return b, invalidEncoding("zero ID with a non-zero time")
	}
	b = binary.BigEndian.AppendUint64(b, uint64(t.Time))
	return append(b, t.ID[:]...), nil
}

// MarshalBinary returns the BinarySize-byte encoding of t, as AppendBinary.
func (t Timestamp) MarshalBinary() ([]byte, error) {
	return t.AppendBinary(make([]byte, 0, BinarySize))
}

// UnmarshalBinary decodes exactly BinarySize bytes written by AppendBinary
// into t. It accepts the all-zero encoding (the zero Timestamp) and any
// encoding with a non-zero ID, and fails with ErrInvalidTimestamp, leaving t
// unchanged, on any other input: a wrong length, or a zero ID with a
// non-zero time.
func (t *Timestamp) UnmarshalBinary(b []byte) error {
	if len(b) != BinarySize {
		return invalidEncoding("encoding has " + strconv.Itoa(len(b)) + " bytes, want 24")
	}
	ts, err := decode(b)
	if err != nil {
		return err
	}
	*t = ts
	return nil
}

// DecodeBinary decodes a Timestamp from the first BinarySize bytes of b and
// returns it with the bytes that follow. On error (fewer than BinarySize
// bytes, or an encoding UnmarshalBinary rejects) it returns the zero
// Timestamp, b unchanged, and an error satisfying ErrInvalidTimestamp; it
// never panics.
func DecodeBinary(b []byte) (Timestamp, []byte, error) {
	if len(b) < BinarySize {
		return Timestamp{}, b, invalidEncoding("encoding has " + strconv.Itoa(len(b)) + " bytes, want at least 24")
	}
	ts, err := decode(b[:BinarySize])
	if err != nil {
		return Timestamp{}, b, err
	}
	return ts, b[BinarySize:], nil
}

// decode decodes exactly BinarySize bytes.
func decode(b []byte) (Timestamp, error) {
	var ts Timestamp
	ts.Time = NTP64(binary.BigEndian.Uint64(b))
	copy(ts.ID[:], b[8:BinarySize])
	if ts.ID.IsZero() && ts.Time != 0 {
		return Timestamp{}, invalidEncoding("zero ID with a non-zero time")
	}
	return ts, nil
}
