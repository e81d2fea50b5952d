// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"fmt"
	"sync/atomic"
	"time"
)

// DefaultMaxDelta is the MaxDelta of a Clock whose Options leave it zero,
// unless the environment sets one (see MaxDeltaEnv).
const DefaultMaxDelta = 500 * time.Millisecond

// Options configures a Clock. The zero value (or a nil *Options) gives a
// clock with a random ID, DefaultMaxDelta (or UHLC_MAX_DELTA_MS) and the
// system clock.
type Options struct {
	// ID is the clock's identity, carried by every Timestamp it issues.
	// Zero: RandomID(). Clocks that may issue timestamps for the same data
	// must have distinct IDs.
	ID ID

	// MaxDelta is how far ahead of the physical clock a timestamp given to
	// Update may be before it is rejected with ErrDrift. Zero or negative:
	// the value of the environment variable UHLC_MAX_DELTA_MS (MaxDeltaEnv)
	// when it holds a valid one, as in uhlc, and DefaultMaxDelta (500 ms)
	// otherwise.
	MaxDelta time.Duration

	// Now reads the physical clock. Nil: the system's wall clock, the
	// one time.Now reads (with one system clock read where time.Now makes
	// two, on linux/amd64, to the microsecond). Tests and simulations
	// inject a fake clock here; it must be safe for concurrent use if the
	// Clock is used concurrently, and it need not be monotonic.
	Now func() time.Time
}

// Clock is a hybrid logical clock: it issues Timestamps that follow the
// physical clock where they can, never repeat, always increase, and, after
// Update, come after every timestamp the clock has been told about.
//
// A Clock must be created with NewClock. It is safe for concurrent use; all
// methods are lock-free and allocate nothing except Update's error.
type Clock struct {
	id       ID
	maxDelta time.Duration
	delta    NTP64            // maxDelta as NTP64
	now      func() time.Time // nil: systemNow

	// last is the largest time issued by Now or learned by Update. It is
	// kept on its own cache line so that CAS traffic does not evict the
	// read-only fields above.
	_    [64]byte
	last atomic.Uint64
	_    [56]byte
}

// NewClock returns a Clock configured by opts; nil opts means defaults. The
// Clock keeps no reference to opts.
func NewClock(opts *Options) *Clock {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.ID.IsZero() {
		o.ID = RandomID()
	}
	if o.MaxDelta <= 0 {
		o.MaxDelta = DefaultMaxDelta
		if d, ok := envMaxDelta(); ok {
			o.MaxDelta = d
		}
	}
	return &Clock{
		id:       o.ID,
		maxDelta: o.MaxDelta,
		delta:    FromDuration(o.MaxDelta),
		now:      o.Now,
	}
}

// ID returns the clock's ID.
func (c *Clock) ID() ID { return c.id }

// MaxDelta returns how far ahead of the physical clock Update accepts
// timestamps.
func (c *Clock) MaxDelta() time.Duration { return c.maxDelta }

// PhysicalNow reads the physical clock (Options.Now) as an NTP64, without
// the logical counter masked off and without changing the clock's state.
func (c *Clock) PhysicalNow() NTP64 {
	if c.now == nil {
		return systemNow()
	}
	return FromTime(c.now())
}

// Now returns a new Timestamp carrying the clock's ID. Its Time is the
// physical time with the low 4 bits cleared when that is greater than every
// time issued or learned so far; otherwise it is the largest such time plus
// one (the logical counter). So successive calls return strictly increasing
// timestamps, even when the physical clock stalls or goes backwards.
func (c *Clock) Now() Timestamp {
	phys := uint64(c.PhysicalNow() &^ CounterMask)
	for {
		last := c.last.Load()
		next := phys
		if next <= last {
			next = last + 1
		}
		if c.last.CompareAndSwap(last, next) {
			return Timestamp{Time: NTP64(next), ID: c.id}
		}
	}
}

// Update tells the clock about a timestamp received from elsewhere, so that
// every later Now returns a Timestamp greater than ts. It rejects, with an
// error wrapping ErrDrift and leaving the clock unchanged, a ts whose Time
// is more than MaxDelta ahead of PhysicalNow (exactly MaxDelta is
// accepted). Only ts.Time matters; the ID is not checked.
func (c *Clock) Update(ts Timestamp) error {
	phys := c.PhysicalNow()
	if ts.Time > phys && ts.Time-phys > c.delta {
		return fmt.Errorf("%w: %v is %v ahead of physical time %d (max %v)",
			ErrDrift, ts, (ts.Time - phys).Duration(), uint64(phys), c.maxDelta)
	}
	for {
		last := c.last.Load()
		if uint64(ts.Time) <= last {
			return nil
		}
		if c.last.CompareAndSwap(last, uint64(ts.Time)) {
			return nil
		}
	}
}

// Raise advances the clock so that the next Now is later than ts, without
// the drift check of Update. It is for timestamps the caller already holds
// (read back from durable storage after a restart, say), which must never
// be issued again nor undercut, however far ahead of the physical clock
// they are.
func (c *Clock) Raise(ts NTP64) {
	for {
		last := c.last.Load()
		if uint64(ts) <= last || c.last.CompareAndSwap(last, uint64(ts)) {
			return
		}
	}
}

// Last returns the newest time the clock has issued or been raised to.
func (c *Clock) Last() NTP64 { return NTP64(c.last.Load()) }
