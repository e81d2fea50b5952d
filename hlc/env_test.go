// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The tests that set the environment cannot run in parallel (t.Setenv).

func TestMaxDeltaEnv(t *testing.T) {
	tests := []struct {
		env  string
		opt  time.Duration
		want time.Duration
	}{
		{"", 0, DefaultMaxDelta},
		{"1000", 0, time.Second},
		{"0", 0, 0}, // honoured, as in uhlc
		{"1000", -1, time.Second},
		{"1000", 2 * time.Second, 2 * time.Second}, // Options win
		// Invalid values are ignored.
		{"abc", 0, DefaultMaxDelta},
		{"-5", 0, DefaultMaxDelta},
		{"+5", 0, DefaultMaxDelta},
		{" 5", 0, DefaultMaxDelta},
		{"1.5", 0, DefaultMaxDelta},
		{"9223372036855", 0, DefaultMaxDelta}, // beyond a time.Duration
		{"18446744073709551616", 0, DefaultMaxDelta},
		{"9223372036854", 0, 9223372036854 * time.Millisecond},
	}
	var logs bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	for _, tt := range tests {
		t.Setenv(MaxDeltaEnv, tt.env)
		logs.Reset()
		c := NewClock(&Options{MaxDelta: tt.opt})
		if got := c.MaxDelta(); got != tt.want {
			t.Errorf("%s=%q, Options.MaxDelta %v: MaxDelta() = %v, want %v", MaxDeltaEnv, tt.env, tt.opt, got, tt.want)
		}
		// An invalid value that was read is reported.
		invalid := tt.opt <= 0 && tt.env != "" && tt.want == DefaultMaxDelta
		if warned := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), MaxDeltaEnv); warned != invalid {
			t.Errorf("%s=%q: logged %q", MaxDeltaEnv, tt.env, logs.String())
		}
	}
}

func TestMaxDeltaEnvBoundsUpdate(t *testing.T) {
	t.Setenv(MaxDeltaEnv, "2000")
	now := time.Unix(1_700_000_000, 0)
	c := NewClock(&Options{ID: ID{1}, Now: func() time.Time { return now }})
	phys := FromTime(now)
	if err := c.Update(Timestamp{Time: phys + FromDuration(1500*time.Millisecond), ID: ID{2}}); err != nil {
		t.Errorf("1.5 s ahead with a 2 s bound: %v", err)
	}
	if err := c.Update(Timestamp{Time: phys + FromDuration(2500*time.Millisecond), ID: ID{2}}); err == nil {
		t.Error("2.5 s ahead with a 2 s bound was accepted")
	}
	// nil Options read the environment too.
	if got := NewClock(nil).MaxDelta(); got != 2*time.Second {
		t.Errorf("NewClock(nil).MaxDelta() = %v", got)
	}
}
