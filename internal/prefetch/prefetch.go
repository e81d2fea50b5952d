// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package prefetch

// Line is the size of a cache line that Lines assumes.
const Line = 64

// Lines starts loading into every level of the caches the n cache lines
// from the address addr (uintptr(unsafe.Pointer(p))), and returns at once.
func Lines(addr uintptr, n int) {
	for i := range n {
		t0(addr + uintptr(i*Line))
	}
}
