// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !(linux && amd64)

package hlc

import "time"

// systemNow reads the wall clock.
func systemNow() NTP64 { return FromTime(time.Now()) }
