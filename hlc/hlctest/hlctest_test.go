// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlctest_test

import (
	"testing"
	"time"

	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/hlc/hlctest"
)

func TestTime(t *testing.T) {
	ft := hlctest.NewTime()
	if !ft.Now().Equal(hlctest.Start) {
		t.Fatalf("starts at %v", ft.Now())
	}
	c := ft.Clock(7, time.Second)
	a := c.Now()
	ft.Advance(time.Hour)
	b := c.Now()
	if want := hlc.FromTime(hlctest.Start.Add(time.Hour + time.Second)); b.Time&^0xF != want&^0xF {
		t.Fatalf("clock reads %v, want %v", b.Time, want)
	}
	if a.Compare(b) >= 0 || b.ID != (hlc.ID{7}) {
		t.Fatalf("timestamps %v then %v", a, b)
	}
}
