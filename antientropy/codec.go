// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"fmt"
)

// The wire format is built from unsigned varints (encoding/binary), fixed
// 8-byte little-endian fingerprints, and length-prefixed strings. Decoding
// goes through reader, which never panics and never allocates more than
// the remaining input can justify: every count is checked against the
// bytes left before anything is allocated for it.

// appendString writes s, a string or bytes, after its length.
func appendString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendFP(b []byte, fp fingerprint) []byte {
	return binary.LittleEndian.AppendUint64(b, fp)
}

// zigzag maps a signed delta to an unsigned varint-friendly value.
func zigzag(d int64) uint64   { return uint64(d<<1) ^ uint64(d>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// appendKey writes key as the length of the prefix it shares with prev
// and the rest, so that sorted keys cost little more than their suffixes.
func appendKey(b []byte, prev, key string) []byte {
	n := 0
	for n < len(prev) && n < len(key) && prev[n] == key[n] {
		n++
	}
	b = binary.AppendUvarint(b, uint64(n))
	return appendString(b, key[n:])
}

// reader decodes a message; the first error sticks and later reads
// return zero values.
type reader struct {
	b         []byte
	err       error
	alloc     int // bytes that decoded keys may still take
	peerLimit int // the sender's message limit, from the header
}

// newReader reads b; decoded keys may take up to 16 times its size (keys
// share prefixes, so they can be longer than their encoding, but not
// without bound).
func newReader(b []byte) *reader {
	return &reader{b: b, alloc: 16*len(b) + 4096}
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("antientropy: "+format+": %w", append(args, ErrMalformed)...)
	}
	r.b = nil
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// int reads a uvarint that must be at most limit.
func (r *reader) int(limit int) int {
	v := r.uvarint()
	if v > uint64(limit) {
		r.fail("value %d exceeds %d", v, limit)
		return 0
	}
	return int(v)
}

// count reads a number of items that take at least minSize bytes each,
// and checks that the remaining input can hold them.
func (r *reader) count(minSize int) int {
	v := r.uvarint()
	if r.err == nil && v > uint64(len(r.b)/minSize) {
		r.fail("count %d exceeds the %d bytes left", v, len(r.b))
		return 0
	}
	return int(v)
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail("truncated")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.fail("truncated")
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) fp() fingerprint {
	b := r.bytes(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

func (r *reader) string() string {
	n := r.count(1)
	return string(r.bytes(n))
}

// key reads what appendKey wrote after prev.
func (r *reader) key(prev string) string {
	shared := r.int(len(prev))
	rest := r.string()
	if r.err != nil {
		return ""
	}
	if r.alloc -= shared + len(rest); r.alloc < 0 {
		r.fail("keys expand beyond 16 times the message size")
		return ""
	}
	return prev[:shared] + rest
}

func (r *reader) end() {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d trailing bytes", len(r.b))
	}
}
