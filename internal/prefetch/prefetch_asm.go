// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build amd64 || arm64

package prefetch

// t0 prefetches the cache line of addr (PREFETCHT0, PRFM PLDL1KEEP).
func t0(addr uintptr)
