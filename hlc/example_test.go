// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stratakv/strata/hlc"
)

// fixedNow is a physical clock stopped at 2023-11-14T22:13:20Z, so that the
// examples print the same output on every run.
func fixedNow() time.Time { return time.Unix(1_700_000_000, 0) }

func ExampleNewClock() {
	id, _ := hlc.ParseID("a1")
	clock := hlc.NewClock(&hlc.Options{ID: id, Now: fixedNow})

	// The physical clock does not move, so the logical counter does.
	a := clock.Now()
	b := clock.Now()
	fmt.Println(a)
	fmt.Println(b)
	fmt.Println(a.Compare(b))
	fmt.Println(a.Time.Time())
	// Output:
	// 7301444403200000000/a1
	// 7301444403200000001/a1
	// -1
	// 2023-11-14 22:13:20 +0000 UTC
}

func ExampleParse() {
	ts, err := hlc.Parse("7301444403200000000/a1")
	fmt.Println(ts.Time.Time(), ts.ID, err)

	// Parse accepts only the exact form that String produces.
	_, err = hlc.Parse("7301444403200000000/A1")
	fmt.Println(errors.Is(err, hlc.ErrInvalidTimestamp), errors.Is(err, hlc.ErrInvalidID))
	fmt.Println(err)
	// Output:
	// 2023-11-14 22:13:20 +0000 UTC a1 <nil>
	// true true
	// hlc: invalid timestamp "7301444403200000000/A1": ID is not lowercase hexadecimal
}

func ExampleTimestamp_Compare() {
	var tss []hlc.Timestamp
	for _, s := range []string{"200/1", "100/1", "100/100", "100/2"} {
		ts, err := hlc.Parse(s)
		if err != nil {
			panic(err)
		}
		tss = append(tss, ts)
	}
	// Equal times are ordered by ID bytes from the least significant:
	// 0x100 is {0x00, 0x01}, so it sorts before 0x1 and 0x2.
	slices.SortFunc(tss, hlc.Timestamp.Compare)
	fmt.Println(tss)
	// Output:
	// [100/100 100/1 100/2 200/1]
}

func ExampleClock_Update() {
	id, _ := hlc.NewID([]byte{0x01})
	clock := hlc.NewClock(&hlc.Options{ID: id, Now: fixedNow})
	now := clock.PhysicalNow()

	// A timestamp from a peer whose clock is 100 ms ahead is accepted, and
	// the clock moves past it.
	remote := hlc.Timestamp{Time: now + hlc.FromDuration(100*time.Millisecond), ID: hlc.ID{0x02}}
	fmt.Println(clock.Update(remote))
	fmt.Println(clock.Now().Compare(remote))

	// One a full second ahead exceeds MaxDelta (500 ms) and is rejected.
	future := hlc.Timestamp{Time: now + hlc.FromDuration(time.Second), ID: hlc.ID{0x02}}
	err := clock.Update(future)
	fmt.Println(errors.Is(err, hlc.ErrDrift))
	fmt.Println(err)
	// Output:
	// <nil>
	// 1
	// true
	// hlc: timestamp too far ahead of the physical clock: 7301444407494967296/2 is 1s ahead of physical time 7301444403200000000 (max 500ms)
}

func ExampleTimestamp_RFC3339() {
	id, _ := hlc.ParseID("33")
	ts := hlc.Timestamp{Time: hlc.FromTime(time.Date(2024, 7, 1, 10, 0, 0, 123456789, time.UTC)), ID: id}
	fmt.Println(ts)           // exact: the 32.32 time as an integer
	fmt.Println(ts.RFC3339()) // for people, as uhlc's "{:#}"

	back, err := hlc.ParseRFC3339("2024-07-01T10:00:00.123456789Z/33")
	fmt.Println(back == ts, err)

	// Only the exact form is accepted: nine fractional digits, UTC.
	_, err = hlc.ParseRFC3339("2024-07-01T10:00:00Z/33")
	fmt.Println(errors.Is(err, hlc.ErrInvalidTimestamp))
	// Output:
	// 7386605015275330871/33
	// 2024-07-01T10:00:00.123456789Z/33
	// true <nil>
	// true
}
