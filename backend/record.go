// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend

import (
	"encoding/binary"
	"fmt"

	"github.com/stratakv/strata/hlc"
)

// The record codec is the one byte layout that durable backends share for an
// Entry kept as a single blob (RocksDB values, replication payloads):
//
//	offset  size  field
//	0       1     format version (RecordVersion)
//	1       1     flags: bit 0 = tombstone; other bits must be zero
//	2       24    timestamp (hlc binary encoding)
//	26      n     uvarint length of the encoding, then its bytes
//	...     rest  value
//
// Metadata sits in front of the value so that a metadata-only read decodes a
// header and never copies the value.
const (
	// RecordVersion is the format version written by AppendRecord.
	RecordVersion = 1
	// MaxEncodingLen bounds Entry.Encoding in a record.
	MaxEncodingLen = 4096

	recordFixed   = 2 + hlc.BinarySize
	flagTombstone = 1
)

// RecordSize is the exact length of the record AppendRecord writes for e.
func RecordSize(e Entry) int {
	return recordFixed + uvarintLen(uint64(len(e.Encoding))) + len(e.Encoding) + len(e.Value)
}

// AppendRecord appends the record of e to dst and returns the extended
// slice. A tombstone's value is not written. It returns an error only for
// an encoding longer than MaxEncodingLen.
func AppendRecord(dst []byte, e Entry) ([]byte, error) {
	if len(e.Encoding) > MaxEncodingLen {
		return dst, fmt.Errorf("backend: encoding of %d bytes exceeds %d", len(e.Encoding), MaxEncodingLen)
	}
	var flags byte
	if e.Deleted {
		flags |= flagTombstone
	}
	dst = append(dst, RecordVersion, flags)
	dst, err := e.Timestamp.AppendBinary(dst)
	if err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(e.Encoding)))
	dst = append(dst, e.Encoding...)
	if !e.Deleted {
		dst = append(dst, e.Value...)
	}
	return dst, nil
}

// DecodeRecord decodes a record. With withValue, the value is copied into a
// new slice (b may be reused by the caller afterwards); without, Value is
// nil and the value bytes are not touched. Any malformed input returns an
// error wrapping ErrCorrupt; it never panics.
func DecodeRecord(b []byte, withValue bool) (Entry, error) {
	v, err := ViewRecord(b)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Encoding: string(v.Encoding), Timestamp: v.Timestamp, Deleted: v.Deleted}
	if withValue && !v.Deleted {
		e.Value = make([]byte, len(v.Value))
		copy(e.Value, v.Value)
	}
	return e, nil
}

// RecordView is a record decoded in place by ViewRecord. Encoding and
// Value are views of the record's bytes: valid as long as those are, and
// changed by any change to them.
type RecordView struct {
	Timestamp hlc.Timestamp
	Deleted   bool
	Encoding  []byte
	Value     []byte // empty for a tombstone
}

// ViewRecord decodes a record without copying or allocating, for a
// backend that decides itself where the encoding and the value go (see
// DecodeRecord for one that copies them). It checks the record as
// DecodeRecord does, and returns the same errors.
func ViewRecord(b []byte) (RecordView, error) {
	if len(b) < recordFixed+1 {
		return RecordView{}, fmt.Errorf("%w: record of %d bytes is too short", ErrCorrupt, len(b))
	}
	if b[0] != RecordVersion {
		return RecordView{}, fmt.Errorf("%w: unknown record version %d", ErrCorrupt, b[0])
	}
	if b[1]&^flagTombstone != 0 {
		return RecordView{}, fmt.Errorf("%w: unknown flags %#x", ErrCorrupt, b[1])
	}
	ts, rest, err := hlc.DecodeBinary(b[2:])
	if err != nil {
		return RecordView{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	n, w := binary.Uvarint(rest)
	if w <= 0 || w != uvarintLen(n) || n > MaxEncodingLen || n > uint64(len(rest)-w) {
		return RecordView{}, fmt.Errorf("%w: bad encoding length", ErrCorrupt)
	}
	rest = rest[w:]
	v := RecordView{Timestamp: ts, Deleted: b[1]&flagTombstone != 0, Encoding: rest[:n:n], Value: rest[n:]}
	if v.Deleted && len(v.Value) != 0 {
		return RecordView{}, fmt.Errorf("%w: tombstone with a value", ErrCorrupt)
	}
	return v, nil
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}
