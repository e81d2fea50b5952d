// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"testing"
	"time"
)

// TestOneDifferenceBudget checks, on small stores, the budget of one
// difference in each era: at most 4 round trips (the digest request
// included) and 4 KiB of protocol bytes besides the value, one value
// fetched. BenchmarkOneDifferenceByEra measures the same at full size.
func TestOneDifferenceBudget(t *testing.T) {
	for _, c := range eraCases {
		t.Run(c.name, func(t *testing.T) {
			n := 20_000
			if c.history < time.Minute {
				n = 100_000 // sub-intervals of 20,000 events: two levels of hash buckets
			}
			e := newEraPair(t, n, c.history)
			for i := 1; i <= 3; i++ {
				e.diverge(t, i, c.age)
				e.pair.Elapse()
				rt, bytes, _, fetched := e.align(t)
				proto := int(bytes) - int(fetched)*benchValueSize
				t.Logf("difference %d: %d round trips, %d protocol bytes, %d values", i, rt, proto, fetched)
				if rt > 4 || proto > 4<<10 || fetched != 1 {
					t.Fatalf("one difference took %d round trips and %d protocol bytes, and fetched %d values; want ≤ 4, ≤ 4096 and 1", rt, proto, fetched)
				}
				e.pair.Time.Advance(time.Minute)
			}
		})
	}
}
