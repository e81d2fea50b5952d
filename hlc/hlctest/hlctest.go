// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package hlctest gives tests a physical clock that moves only when told,
// to drive hlc.Clock, a strata.Store's tombstone lifespan or a replica's
// eras without sleeping.
package hlctest

import (
	"sync/atomic"
	"time"

	"github.com/stratakv/strata/hlc"
)

// Start is where a new Time starts: 2026-01-01T00:00:00Z.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Time is a fake physical clock. It is safe for concurrent use.
type Time struct{ ns atomic.Int64 }

// NewTime returns a Time at Start.
func NewTime() *Time {
	t := &Time{}
	t.ns.Store(Start.UnixNano())
	return t
}

// Now returns the fake time; pass it as hlc.Options.Now.
func (t *Time) Now() time.Time { return time.Unix(0, t.ns.Load()).UTC() }

// Advance moves the fake time by d (backwards too, for a negative d).
func (t *Time) Advance(d time.Duration) { t.ns.Add(int64(d)) }

// Clock returns an HLC clock with the one-byte ID id that reads t shifted
// by skew (the skew between two machines' clocks).
func (t *Time) Clock(id byte, skew time.Duration) *hlc.Clock {
	return hlc.NewClock(&hlc.Options{ID: hlc.ID{id}, Now: func() time.Time { return t.Now().Add(skew) }})
}
