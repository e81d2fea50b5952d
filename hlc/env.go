// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"log/slog"
	"math"
	"os"
	"strconv"
	"time"
)

// MaxDeltaEnv names the environment variable that, as in uhlc, sets the
// MaxDelta of every Clock whose Options leave MaxDelta zero: a decimal
// number of milliseconds, such as UHLC_MAX_DELTA_MS=1000. Zero is honoured
// (a clock that accepts no timestamp ahead of its physical clock). An
// empty value counts as unset. A value that is not a decimal integer, or
// does not fit a time.Duration, is ignored: the clock keeps
// DefaultMaxDelta and a warning is logged with slog.Default (uhlc panics
// instead). NewClock reads the variable each time it is called.
const MaxDeltaEnv = "UHLC_MAX_DELTA_MS"

// envMaxDelta returns the MaxDelta that MaxDeltaEnv sets, and whether it
// sets a valid one.
func envMaxDelta() (time.Duration, bool) {
	v := os.Getenv(MaxDeltaEnv)
	if v == "" {
		return 0, false
	}
	ms, err := strconv.ParseUint(v, 10, 64)
	if err != nil || ms > math.MaxInt64/uint64(time.Millisecond) {
		slog.Warn("hlc: ignoring an invalid "+MaxDeltaEnv+"; want a decimal number of milliseconds",
			"value", v, "max_delta", DefaultMaxDelta)
		return 0, false
	}
	return time.Duration(ms) * time.Millisecond, true
}
