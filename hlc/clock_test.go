// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeTime is a settable physical clock, safe for concurrent use.
type fakeTime struct{ ns atomic.Int64 }

func newFakeTime(t time.Time) *fakeTime {
	f := new(fakeTime)
	f.set(t)
	return f
}

func (f *fakeTime) Now() time.Time          { return time.Unix(0, f.ns.Load()) }
func (f *fakeTime) set(t time.Time)         { f.ns.Store(t.UnixNano()) }
func (f *fakeTime) advance(d time.Duration) { f.ns.Add(int64(d)) }

var start = time.Unix(1_700_000_000, 0)

func newFakeClock(opts Options) (*Clock, *fakeTime) {
	ft := newFakeTime(start)
	opts.Now = ft.Now
	if opts.ID.IsZero() {
		opts.ID = ID{0xa1}
	}
	return NewClock(&opts), ft
}

func TestNewClockDefaults(t *testing.T) {
	for _, opts := range []*Options{nil, {}, {MaxDelta: -time.Second}} {
		c := NewClock(opts)
		if c.ID().IsZero() {
			t.Error("default clock has the zero ID")
		}
		if c.MaxDelta() != DefaultMaxDelta || DefaultMaxDelta != 500*time.Millisecond {
			t.Errorf("MaxDelta() = %v, want 500ms", c.MaxDelta())
		}
		// The system clock may be read to the microsecond.
		before := FromTime(time.Now().Truncate(time.Microsecond)) &^ CounterMask
		ts := c.Now()
		after := FromTime(time.Now())
		if ts.Time < before || ts.Time > after || ts.ID != c.ID() {
			t.Errorf("Now() = %v, want time in [%d, %d] and ID %v", ts, before, after, c.ID())
		}
	}
	if NewClock(nil).ID() == NewClock(nil).ID() {
		t.Error("two default clocks share an ID")
	}
}

func TestNewClockOptions(t *testing.T) {
	opts := &Options{ID: ID{1, 2}, MaxDelta: 3 * time.Second, Now: func() time.Time { return start }}
	c := NewClock(opts)
	opts.ID, opts.MaxDelta, opts.Now = ID{9}, time.Hour, nil // the clock keeps its own copy
	if c.ID() != (ID{1, 2}) || c.MaxDelta() != 3*time.Second || c.PhysicalNow() != FromTime(start) {
		t.Errorf("clock: ID %v, MaxDelta %v, PhysicalNow %d", c.ID(), c.MaxDelta(), c.PhysicalNow())
	}
}

func TestNowFrozenClock(t *testing.T) {
	c, _ := newFakeClock(Options{})
	base := FromTime(start) &^ CounterMask
	for i := range 100 { // well past the 16 values of the counter
		ts := c.Now()
		if want := base + NTP64(i); ts.Time != want || ts.ID != c.ID() {
			t.Fatalf("Now() #%d = %v, want %d/%v", i, ts, want, c.ID())
		}
	}
}

func TestNowMasksCounterBits(t *testing.T) {
	c, ft := newFakeClock(Options{})
	ft.set(start.Add(3 * time.Nanosecond)) // fraction 12: low bits 0b1100
	phys := c.PhysicalNow()
	if phys&CounterMask == 0 {
		t.Fatalf("test needs counter bits set, got %#x", uint64(phys))
	}
	if got := c.Now().Time; got != phys&^CounterMask {
		t.Errorf("Now().Time = %#x, want %#x", uint64(got), uint64(phys&^CounterMask))
	}
	if c.PhysicalNow() != phys {
		t.Error("PhysicalNow changed after Now")
	}
}

// The default physical clock reads what time.Now reads, to the
// microsecond.
func TestSystemNowIsWallClock(t *testing.T) {
	c := NewClock(nil)
	for range 1000 {
		before := FromTime(time.Now().Truncate(time.Microsecond))
		phys := c.PhysicalNow()
		after := FromTime(time.Now())
		if phys < before || phys > after {
			t.Fatalf("PhysicalNow() = %d (%v), want it in [%d, %d]", phys, phys.Time(), before, after)
		}
	}
	if n := testing.AllocsPerRun(100, func() { c.PhysicalNow() }); n != 0 {
		t.Errorf("PhysicalNow allocates %v times", n)
	}
}

func TestNowFollowsPhysicalTime(t *testing.T) {
	c, ft := newFakeClock(Options{})
	prev := c.Now()
	for range 50 {
		ft.advance(time.Millisecond)
		ts := c.Now()
		if want := c.PhysicalNow() &^ CounterMask; ts.Time != want {
			t.Fatalf("Now().Time = %d, want physical %d", ts.Time, want)
		}
		if ts.Compare(prev) <= 0 {
			t.Fatalf("Now() = %v after %v", ts, prev)
		}
		prev = ts
	}
}

func TestNowPhysicalTimeBackwards(t *testing.T) {
	c, ft := newFakeClock(Options{})
	first := c.Now()
	ft.set(start.Add(-time.Hour))
	for i := range 20 {
		if ts := c.Now(); ts.Time != first.Time+NTP64(i+1) {
			t.Fatalf("Now() after a step back = %v, want %d", ts, first.Time+NTP64(i+1))
		}
	}
	ft.set(time.Unix(-5, 0)) // before the epoch: physical time reads 0
	if ts := c.Now(); ts.Time != first.Time+21 {
		t.Fatalf("Now() before the epoch = %v", ts)
	}
	ft.set(start.Add(time.Second))
	if ts := c.Now(); ts.Time != FromTime(start.Add(time.Second)) {
		t.Fatalf("Now() once physical time passes = %v, want %d", ts, FromTime(start.Add(time.Second)))
	}
}

func TestUpdateAdvances(t *testing.T) {
	c, _ := newFakeClock(Options{})
	prev := c.Now()
	remote := Timestamp{Time: c.PhysicalNow() + FromDuration(100*time.Millisecond) + 7, ID: ID{0xff}}
	if err := c.Update(remote); err != nil {
		t.Fatalf("Update(%v): %v", remote, err)
	}
	ts := c.Now()
	if ts.Compare(remote) <= 0 || ts.Compare(prev) <= 0 {
		t.Fatalf("Now() = %v, want after %v and %v", ts, remote, prev)
	}
	if ts.Time != remote.Time+1 {
		t.Errorf("Now().Time = %d, want %d", ts.Time, remote.Time+1)
	}

	// An older timestamp never moves the clock back.
	if err := c.Update(Timestamp{Time: 1, ID: ID{1}}); err != nil {
		t.Fatal(err)
	}
	if next := c.Now(); next.Time != ts.Time+1 {
		t.Errorf("Now() after an old Update = %v, want %d", next, ts.Time+1)
	}

	// A timestamp equal to the last issued one: the next is still greater.
	last := c.Now()
	equal := Timestamp{Time: last.Time, ID: ID{0xff}}
	if err := c.Update(equal); err != nil {
		t.Fatal(err)
	}
	if next := c.Now(); next.Compare(equal) <= 0 {
		t.Errorf("Now() = %v, want after %v", next, equal)
	}
}

func TestUpdateDrift(t *testing.T) {
	tests := []struct {
		name     string
		maxDelta time.Duration
	}{
		{"default", 0},
		{"one millisecond", time.Millisecond},
		{"two seconds", 2 * time.Second},
		{"a day", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ft := newFakeClock(Options{MaxDelta: tt.maxDelta})
			ft.set(start.Add(123_456_789)) // a phys with a fraction
			delta := FromDuration(c.MaxDelta())
			phys := c.PhysicalNow()
			before := c.Now()

			tooFar := Timestamp{Time: phys + delta + 1, ID: ID{2}}
			err := c.Update(tooFar)
			if !errors.Is(err, ErrDrift) {
				t.Fatalf("Update(now + MaxDelta + 1) = %v, want ErrDrift", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "hlc: ") || !strings.Contains(msg, tooFar.String()) {
				t.Errorf("drift message %q", msg)
			}
			if ts := c.Now(); ts.Time != before.Time+1 {
				t.Errorf("rejected Update moved the clock: Now() = %v", ts)
			}

			atBound := Timestamp{Time: phys + delta, ID: ID{2}}
			if err := c.Update(atBound); err != nil {
				t.Fatalf("Update(now + MaxDelta) = %v, want nil", err)
			}
			if ts := c.Now(); ts.Compare(atBound) <= 0 {
				t.Errorf("Now() = %v, want after %v", ts, atBound)
			}

			// Once physical time catches up, the same timestamp is fine.
			ft.advance(time.Nanosecond)
			if err := c.Update(tooFar); err != nil {
				t.Errorf("Update after the clock advanced: %v", err)
			}
		})
	}
}

func TestUpdateHalfDefaultBound(t *testing.T) {
	c, _ := newFakeClock(Options{})
	phys := c.PhysicalNow()
	if err := c.Update(Timestamp{Time: phys + FromDuration(499*time.Millisecond), ID: ID{3}}); err != nil {
		t.Errorf("499ms ahead: %v", err)
	}
	if err := c.Update(Timestamp{Time: phys + FromDuration(501*time.Millisecond), ID: ID{3}}); !errors.Is(err, ErrDrift) {
		t.Errorf("501ms ahead: %v, want ErrDrift", err)
	}
}

// checkConcurrentNow runs Now on 8 goroutines and checks that every
// goroutine sees strictly increasing timestamps and that no timestamp is
// issued twice.
func checkConcurrentNow(t *testing.T, c *Clock, perGoroutine int) {
	t.Helper()
	const goroutines = 8
	results := make([][]Timestamp, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			out := make([]Timestamp, perGoroutine)
			for i := range out {
				out[i] = c.Now()
			}
			results[g] = out
		})
	}
	wg.Wait()

	var all []NTP64
	for g, out := range results {
		for i := 1; i < len(out); i++ {
			if out[i].Compare(out[i-1]) <= 0 {
				t.Fatalf("goroutine %d: Now() = %v after %v", g, out[i], out[i-1])
			}
		}
		for _, ts := range out {
			all = append(all, ts.Time)
		}
	}
	slices.Sort(all)
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			t.Fatalf("timestamp time %d issued twice", all[i])
		}
	}
}

func TestNowConcurrent(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	t.Run("system clock", func(t *testing.T) {
		checkConcurrentNow(t, NewClock(nil), n)
	})
	t.Run("frozen clock", func(t *testing.T) {
		c, _ := newFakeClock(Options{})
		checkConcurrentNow(t, c, n)
	})
}

// Concurrent Updates and Nows: after a goroutine's successful Update, its
// next Now is greater than the timestamp it passed.
func TestUpdateConcurrent(t *testing.T) {
	c, ft := newFakeClock(Options{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				if g == 0 {
					ft.advance(time.Microsecond)
				}
				remote := Timestamp{Time: c.PhysicalNow() + FromDuration(time.Duration(i%400)*time.Millisecond), ID: ID{byte(g + 1)}}
				if err := c.Update(remote); err != nil {
					t.Errorf("Update: %v", err)
					return
				}
				if ts := c.Now(); ts.Compare(remote) <= 0 {
					t.Errorf("Now() = %v, not after %v", ts, remote)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestClockAllocations(t *testing.T) {
	c, ft := newFakeClock(Options{})
	ts := Timestamp{Time: c.PhysicalNow(), ID: ID{5}}
	if n := testing.AllocsPerRun(1000, func() { c.Now() }); n != 0 {
		t.Errorf("Now allocates %v times", n)
	}
	if n := testing.AllocsPerRun(1000, func() { ft.advance(1); _ = c.Update(ts) }); n != 0 {
		t.Errorf("Update allocates %v times", n)
	}
	sys := NewClock(nil)
	if n := testing.AllocsPerRun(1000, func() { sys.Now() }); n != 0 {
		t.Errorf("Now on the system clock allocates %v times", n)
	}
}

func TestRaiseSkipsTheDriftCheck(t *testing.T) {
	c, ft := newFakeClock(Options{})
	ahead := FromTime(ft.Now().Add(time.Hour))
	if err := c.Update(Timestamp{Time: ahead, ID: ID{2}}); !errors.Is(err, ErrDrift) {
		t.Fatalf("Update an hour ahead: %v, want ErrDrift", err)
	}
	c.Raise(ahead)
	if c.Last() != ahead {
		t.Fatalf("Last after Raise = %d, want %d", c.Last(), ahead)
	}
	if now := c.Now(); now.Time <= ahead {
		t.Fatalf("Now after Raise = %v, want later than %d", now, ahead)
	}
	c.Raise(ahead - 100) // never backwards
	if c.Last() <= ahead {
		t.Fatalf("Raise moved the clock back to %d", c.Last())
	}
}
