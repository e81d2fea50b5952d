// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package hlc implements the hybrid logical clock that timestamps every
// sample in strata, compatible with Eclipse Zenoh's uhlc: the same time
// format, the same IDs, the same order and the same string form, so
// timestamps can be exchanged with Zenoh peers.
//
// A hybrid logical clock issues timestamps that stay close to physical time
// (so they say roughly when something happened) yet behave like a logical
// clock: a Clock never issues the same timestamp twice, its timestamps
// always increase even if the physical clock stalls or steps back, and after
// Clock.Update with a timestamp received from another node, every timestamp
// it issues comes after the received one. Timestamps from different clocks
// differ by their ID, so all timestamps are totally ordered, and "last
// writer wins" has a single, agreed winner on every replica.
//
// # Time format
//
// NTP64 is a 64-bit 32.32 fixed-point number of seconds since the UNIX epoch
// (not the NTP epoch of 1900): 32 bits of whole seconds, 32 bits of fraction
// (units of about 233 ps). It covers 1970 to early 2106. A Clock uses the low
// 4 bits (CounterMask) as a logical counter: the physical time is truncated
// to a multiple of 16 units (about 3.7 ns) and the counter counts timestamps
// issued within the same such tick.
//
// # IDs and order
//
// An ID is an unsigned integer of 1 to 16 bytes, stored little-endian in a
// [16]byte, never zero, and printed as lowercase hexadecimal without leading
// zeros. A Timestamp is a Time and an ID, written "<time>/<id>" with the
// time as a decimal integer, for example "7301444403200000000/a1".
//
// Timestamp.RFC3339 and NTP64.RFC3339 give the human-readable form that
// uhlc prints with "{:#}": the time in RFC 3339 with nanoseconds, in UTC,
// as in "2024-07-01T15:32:06.860479000Z/33"; ParseRFC3339 and
// ParseNTP64RFC3339 read it back. That form keeps nanoseconds, not the
// 2^-32 s units of NTP64, so it is for people and logs; String and Parse
// are the exact form.
//
// Timestamps order by Time, then by ID, where IDs compare as byte arrays
// from byte 0, the least significant byte. This is uhlc's order and not the
// numeric order of the IDs: "100/1" sorts after "100/100", because byte 0 of
// ID 0x1 is 0x01 and byte 0 of ID 0x100 is 0x00. The binary encoding
// (Timestamp.AppendBinary) preserves the order bytewise.
//
// # Environment
//
// As in uhlc, the environment variable UHLC_MAX_DELTA_MS (MaxDeltaEnv), a
// number of milliseconds, sets the MaxDelta of clocks whose Options leave
// it zero; an invalid value is ignored with a warning, keeping
// DefaultMaxDelta.
//
// # Errors
//
// Parsers and decoders return errors that wrap ErrInvalidTimestamp or
// ErrInvalidID; Clock.Update returns one that wraps ErrDrift. Test them with
// errors.Is. All messages start with "hlc: ".
//
// # Concurrency
//
// NTP64, ID and Timestamp are plain comparable values. A Clock is safe for
// concurrent use: Now and Update are lock-free (a compare-and-swap loop on
// one 64-bit word) and allocate nothing, except for the error of a rejected
// Update.
//
// # Caveats
//
//   - Parse is strict: it accepts exactly what Timestamp.String produces
//     (lowercase hex, no leading zeros, no signs or spaces), whereas uhlc also
//     accepts uppercase and leading zeros. Normalize foreign input before
//     parsing if needed. Likewise ParseRFC3339 accepts exactly what
//     Timestamp.RFC3339 produces (nine fractional digits, "Z"), which is
//     all that uhlc prints, but not every RFC 3339 time uhlc can parse.
//   - The zero Timestamp prints as "0/0", which Parse rejects (the zero ID is
//     invalid), and ParseRFC3339 rejects its RFC3339 form likewise; the binary encoding does accept it, as 24 zero bytes, so that
//     an unset timestamp can be stored.
//   - Issuing more than 16 timestamps within one 3.7 ns tick, or learning a
//     timestamp ahead of the physical clock, makes the clock run ahead of
//     physical time until physical time catches up; Update bounds how far
//     ahead with MaxDelta.
//   - The time range ends in 2106: later physical times saturate to the
//     largest NTP64, after which the clock cannot keep increasing.
//   - Uniqueness across clocks rests on distinct IDs. RandomID draws 128
//     random bits; IDs chosen by hand must be unique among the clocks that
//     write the same keys.
package hlc
