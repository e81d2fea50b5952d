// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !amd64 && !arm64

package prefetch

func t0(uintptr) {}
