// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"sync/atomic"

	"github.com/stratakv/strata/backend"
)

// encodings remembers the last encoding that a read decoded, so that the
// records of a key space that shares one encoding (the common case: one
// application writes it) do not cost a new string each. Any goroutine may
// use it; a record of another encoding replaces it.
type encodings struct {
	last atomic.Pointer[string]
}

// intern returns enc as a string, the remembered one when it is equal.
func (c *encodings) intern(enc []byte) string {
	if len(enc) == 0 {
		return ""
	}
	if p := c.last.Load(); p != nil && *p == string(enc) {
		return *p
	}
	s := string(enc)
	c.last.Store(&s)
	return s
}

// decode decodes a record as backend.DecodeRecord does, with the value
// copied into memory of its own (withValue: from sl, unless it is nil)
// or left out, and the encoding interned.
func (b *Backend) decode(rec []byte, withValue bool, sl *slab) (backend.Entry, error) {
	v, err := backend.ViewRecord(rec)
	if err != nil {
		return backend.Entry{}, err
	}
	e := backend.Entry{Encoding: b.encs.intern(v.Encoding), Timestamp: v.Timestamp, Deleted: v.Deleted}
	switch {
	case !withValue || v.Deleted:
	case sl != nil:
		e.Value = sl.bytes(v.Value)
	default:
		e.Value = make([]byte, len(v.Value))
		copy(e.Value, v.Value)
	}
	return e, nil
}
