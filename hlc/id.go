// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"crypto/rand"
	"encoding/binary"
)

// IDSize is the largest size of an ID in bytes.
const IDSize = 16

// ID identifies the source of a Timestamp, typically one Clock. It is an
// unsigned integer of 1 to 16 bytes stored little-endian in a 16-byte array
// (the shorter forms are zero-padded), as in uhlc. The zero ID is invalid:
// NewID and ParseID never return it, and a Clock never issues it.
//
// IDs print as lowercase hexadecimal of the 128-bit little-endian value,
// without leading zeros: the bytes {0x01} print as "1", {0x00, 0x01} as
// "100".
//
// IDs order by their byte arrays compared from byte 0, the least significant
// byte (uhlc's order), which is not the numeric order of their hex strings:
// "1" sorts after "100". IDs are comparable values, safe for concurrent use.
type ID [IDSize]byte

const hexDigits = "0123456789abcdef"

// NewID returns the ID of the little-endian bytes b. It fails with
// ErrInvalidID unless b has 1 to 16 bytes, not all zero. Trailing zero bytes
// are not significant: {0x01, 0x00} and {0x01} are the same ID.
func NewID(b []byte) (ID, error) {
	var id ID
	switch {
	case len(b) == 0:
		return id, invalidID("", "no bytes")
	case len(b) > IDSize:
		return id, invalidID(string(b), "more than 16 bytes")
	}
	copy(id[:], b)
	if id.IsZero() {
		return id, invalidID(string(b), "zero")
	}
	return id, nil
}

// RandomID returns a 16-byte ID drawn from crypto/rand, never zero.
func RandomID() ID {
	var id ID
	for id.IsZero() {
		// crypto/rand.Read never fails; it crashes the program if the
		// system's random source breaks.
		_, _ = rand.Read(id[:])
	}
	return id
}

// ParseID parses the String form of an ID: 1 to 32 lowercase hexadecimal
// digits without leading zeros. Anything else, "0" included, fails with
// ErrInvalidID.
func ParseID(s string) (ID, error) {
	id, reason := parseID(s)
	if reason != "" {
		return ID{}, invalidID(s, reason)
	}
	return id, nil
}

// parseID parses s, or returns why it is not a canonical ID.
func parseID(s string) (ID, string) {
	var id ID
	switch {
	case s == "":
		return id, "empty ID"
	case len(s) > 2*IDSize:
		return id, "ID longer than 32 hex digits"
	case s[0] == '0':
		if len(s) == 1 {
			return id, "zero ID"
		}
		return id, "leading zero in ID"
	}
	// Digit k from the right is nibble k of the value: byte k/2 of the
	// little-endian array, high nibble when k is odd.
	for i := 0; i < len(s); i++ {
		v := unhex(s[i])
		if v > 0xF {
			return ID{}, "ID is not lowercase hexadecimal"
		}
		k := len(s) - 1 - i
		id[k/2] |= v << (4 * (k % 2))
	}
	return id, ""
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return 0xFF
}

// String returns id in lowercase hexadecimal without leading zeros; the zero
// ID prints as "0", which ParseID rejects.
func (id ID) String() string {
	var buf [2 * IDSize]byte
	return string(id.appendHex(buf[:0]))
}

// appendHex appends the String form of id to b.
func (id ID) appendHex(b []byte) []byte {
	i := IDSize - 1
	for i > 0 && id[i] == 0 {
		i--
	}
	if x := id[i]; x >= 0x10 {
		b = append(b, hexDigits[x>>4], hexDigits[x&0xF])
	} else {
		b = append(b, hexDigits[x])
	}
	for i--; i >= 0; i-- {
		b = append(b, hexDigits[id[i]>>4], hexDigits[id[i]&0xF])
	}
	return b
}

// IsZero reports whether id is the zero (invalid) ID.
func (id ID) IsZero() bool { return id == ID{} }

// Len returns the number of significant bytes of id: 1 to 16, or 0 for the
// zero ID. Bytes beyond Len are zero.
func (id ID) Len() int {
	n := IDSize
	for n > 0 && id[n-1] == 0 {
		n--
	}
	return n
}

// Bytes returns a copy of the significant bytes of id, little-endian; NewID
// of the result returns id.
func (id ID) Bytes() []byte {
	return append([]byte(nil), id[:id.Len()]...)
}

// Compare returns -1, 0 or +1 as id sorts before, with or after o, comparing
// the byte arrays from byte 0 (uhlc's order).
func (id ID) Compare(o ID) int {
	a, b := binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint64(o[:8])
	if a == b {
		a, b = binary.BigEndian.Uint64(id[8:]), binary.BigEndian.Uint64(o[8:])
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return +1
	}
	return 0
}
