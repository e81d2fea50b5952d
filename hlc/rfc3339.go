// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"time"
)

// The RFC 3339 text forms are uhlc's alternate ("{:#}") formatting: the
// time as a UTC date and time with exactly nine fractional digits, for
// example "2024-07-01T15:32:06.860479000Z", and for a Timestamp the ID
// after a slash, "2024-07-01T15:32:06.860479000Z/33".

// rfc3339Layout is the layout of the time part; Time returns UTC, which
// the zone element prints as "Z".
const rfc3339Layout = "2006-01-02T15:04:05.000000000Z07:00"

// rfc3339Len is the length of the time part.
const rfc3339Len = len("2006-01-02T15:04:05.000000000Z")

// maxRFC3339Time is the latest time an NTP64 can stand for: that of the
// largest NTP64, whose fraction rounds up to the next whole second.
var maxRFC3339Time = NTP64(1<<64 - 1).Time()

// RFC3339 returns n as a time in RFC 3339 form, in UTC with nanoseconds, as
// uhlc formats an NTP64 with "{:#}": "2024-07-01T15:32:06.860479000Z". The
// form is for people and logs: it keeps nanoseconds, not the 2^-32 s units
// of n, so several NTP64 values print the same (see ParseNTP64RFC3339).
func (n NTP64) RFC3339() string {
	var buf [rfc3339Len]byte
	return string(n.AppendRFC3339(buf[:0]))
}

// AppendRFC3339 appends the RFC3339 form of n to b and returns the
// extended buffer; it does not allocate when b has room.
func (n NTP64) AppendRFC3339(b []byte) []byte {
	return n.Time().AppendFormat(b, rfc3339Layout)
}

// ParseNTP64RFC3339 parses the RFC3339 form of an NTP64 and accepts
// nothing else: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" with exactly nine
// fractional digits, an upper-case T and Z (UTC, no offset), a valid date,
// no leap second, and a time from 1970-01-01T00:00:00Z to
// 2106-02-07T06:28:16Z, the range of NTP64. The result is FromTime of that
// time (the value uhlc's parser gives) and formats back to s; for any m,
// ParseNTP64RFC3339(m.RFC3339()) is m or at most 4 units (under 1 ns)
// later. Errors satisfy errors.Is(err, ErrInvalidTimestamp).
func ParseNTP64RFC3339(s string) (NTP64, error) {
	n, reason := parseRFC3339(s)
	if reason != "" {
		return 0, invalidTimestamp(s, reason)
	}
	return n, nil
}

// RFC3339 returns t in the RFC 3339 form of uhlc's "{:#}" formatting: the
// time as NTP64.RFC3339, a slash and the ID in hexadecimal, for example
// "2024-07-01T15:32:06.860479000Z/33". The time keeps nanoseconds only; use
// String for an exact, reversible form.
func (t Timestamp) RFC3339() string {
	var buf [rfc3339Len + 1 + 2*IDSize]byte
	return string(t.AppendRFC3339(buf[:0]))
}

// AppendRFC3339 appends the RFC3339 form of t to b and returns the extended
// buffer; it does not allocate when b has room.
func (t Timestamp) AppendRFC3339(b []byte) []byte {
	b = t.Time.AppendRFC3339(b)
	b = append(b, '/')
	return t.ID.appendHex(b)
}

// ParseRFC3339 parses the RFC3339 form of a Timestamp and accepts nothing
// else: the time as for ParseNTP64RFC3339, a slash, and the ID as for
// ParseID. The result formats back to s. uhlc's parser is more lenient
// (fewer fractional digits, upper-case IDs); every timestamp uhlc formats
// with "{:#}" parses here. Errors satisfy errors.Is(err,
// ErrInvalidTimestamp), and also ErrInvalidID when the ID part is at fault.
func ParseRFC3339(s string) (Timestamp, error) { return parseTimestamp(s, parseRFC3339) }

// parseRFC3339 parses the time part, or returns why s is not one.
func parseRFC3339(s string) (NTP64, string) {
	if len(s) != rfc3339Len {
		return 0, "time not of the form 2006-01-02T15:04:05.000000000Z"
	}
	for i := 0; i < len(s); i++ {
		want := byte(0) // a digit
		switch i {
		case 4, 7:
			want = '-'
		case 10:
			want = 'T'
		case 13, 16:
			want = ':'
		case 19:
			want = '.'
		case 29:
			want = 'Z'
		}
		if c := s[i]; want == 0 && (c < '0' || c > '9') || want != 0 && c != want {
			return 0, "time not of the form 2006-01-02T15:04:05.000000000Z"
		}
	}
	year, month, day := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	hour, minute, sec, nsec := digits(s[11:13]), digits(s[14:16]), digits(s[17:19]), digits(s[20:29])
	switch {
	case month < 1 || month > 12:
		return 0, "month out of range"
	case day < 1 || day > daysIn(year, time.Month(month)):
		return 0, "day out of range"
	case hour > 23:
		return 0, "hour out of range"
	case minute > 59:
		return 0, "minute out of range"
	case sec > 59:
		return 0, "second out of range (leap seconds are not supported)"
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	switch {
	case t.Unix() < 0:
		return 0, "time before 1970-01-01T00:00:00Z"
	case t.After(maxRFC3339Time):
		return 0, "time after 2106-02-07T06:28:16Z, the end of the NTP64 range"
	}
	return FromTime(t), ""
}

// digits returns the value of a string of ASCII digits.
func digits(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
