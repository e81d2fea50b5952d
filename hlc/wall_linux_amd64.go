// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"syscall"
	"time"
)

// systemNow reads the wall clock with one call of the vDSO's
// gettimeofday, where time.Now reads the wall and the monotonic clocks,
// each with a call of its own: half the cost, to the microsecond.
func systemNow() NTP64 {
	var tv syscall.Timeval
	if err := syscall.Gettimeofday(&tv); err != nil {
		return FromTime(time.Now())
	}
	if tv.Sec < 0 || tv.Sec > maxSeconds {
		return FromTime(time.Unix(tv.Sec, 0))
	}
	return fromParts(uint64(tv.Sec), uint64(tv.Usec)*1000)
}
