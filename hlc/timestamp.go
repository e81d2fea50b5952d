// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"math"
	"strconv"
	"strings"
)

// Timestamp is a point of hybrid logical time: the time at which a Clock
// issued it and the ID of that clock. Timestamps order by Time, then by ID
// in uhlc's byte order (see ID), so two timestamps from different clocks
// never compare equal.
//
// The zero Timestamp (time 0, zero ID) stands for "no timestamp"; a valid
// Timestamp has a non-zero ID. Timestamps are comparable values, safe for
// concurrent use.
type Timestamp struct {
	Time NTP64
	ID   ID
}

// maxStringLen is the length of the longest String form: 20 decimal digits,
// the slash and 32 hex digits.
const maxStringLen = 20 + 1 + 2*IDSize

// Compare returns -1, 0 or +1 as t sorts before, with or after u: by Time,
// then by ID.Compare.
func (t Timestamp) Compare(u Timestamp) int {
	switch {
	case t.Time < u.Time:
		return -1
	case t.Time > u.Time:
		return +1
	}
	return t.ID.Compare(u.ID)
}

// IsZero reports whether t is the zero Timestamp.
func (t Timestamp) IsZero() bool { return t == Timestamp{} }

// String returns t as "<time>/<id>": the Time as a decimal integer (the raw
// 32.32 value, not seconds) and the ID in hexadecimal, as uhlc prints it,
// for example "7301444403200000000/a1". Parse is its inverse for every
// Timestamp with a non-zero ID.
func (t Timestamp) String() string {
	var buf [maxStringLen]byte
	return string(t.appendString(buf[:0]))
}

// AppendString appends the String form of t to b and returns the extended
// buffer; it does not allocate when b has room.
func (t Timestamp) AppendString(b []byte) []byte {
	return t.appendString(b)
}

func (t Timestamp) appendString(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(t.Time), 10)
	b = append(b, '/')
	return t.ID.appendHex(b)
}

// Parse parses the String form of a Timestamp and accepts nothing else: the
// time must be a decimal integer that fits in 64 bits, without sign, spaces
// or leading zeros (except "0" itself); the ID must be as for ParseID:
// lowercase hexadecimal, no leading zeros, at most 32 digits, not zero.
// Errors satisfy errors.Is(err, ErrInvalidTimestamp), and also ErrInvalidID
// when the ID part is at fault.
func Parse(s string) (Timestamp, error) { return parseTimestamp(s, parseTime) }

// parseTimestamp parses "<time>/<id>", the time part by parseTime.
func parseTimestamp(s string, parseTime func(string) (NTP64, string)) (Timestamp, error) {
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return Timestamp{}, invalidTimestamp(s, "missing '/'")
	}
	tm, reason := parseTime(s[:slash])
	if reason != "" {
		return Timestamp{}, invalidTimestamp(s, reason)
	}
	id, reason := parseID(s[slash+1:])
	if reason != "" {
		return Timestamp{}, invalidTimestampID(s, reason)
	}
	return Timestamp{Time: tm, ID: id}, nil
}

// parseTime parses the canonical decimal form of a uint64, or returns why s
// is not one.
func parseTime(s string) (NTP64, string) {
	switch {
	case s == "":
		return 0, "empty time"
	case s[0] == '0' && len(s) > 1:
		return 0, "leading zero in time"
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		d := uint64(s[i]) - '0'
		if d > 9 {
			return 0, "time is not a decimal integer"
		}
		if v > (math.MaxUint64-d)/10 {
			return 0, "time overflows 64 bits"
		}
		v = v*10 + d
	}
	return NTP64(v), ""
}
