// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressLine(t *testing.T) {
	var st copyStats
	st.total.Store(20_000)
	st.written.Store(5_000)
	st.writtenBytes.Store(500_000)
	assert.Equal(t, "[#####...............]  25% 5,000/20,000 keys  500.0 kB  2,500 keys/s  250.0 kB/s  ETA 6s",
		progressLine(&st, 2*time.Second))
	st.total.Store(-1)
	assert.Equal(t, "5,000 keys  500.0 kB  2,500 keys/s  250.0 kB/s", progressLine(&st, 2*time.Second))
	st.total.Store(0)
	st.written.Store(0)
	st.writtenBytes.Store(0)
	assert.Equal(t, "[####################] 100% 0/0 keys  0 B  0 keys/s  0 B/s", progressLine(&st, 0))

	for n, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		assert.Equal(t, want, humanCount(n))
	}
	for n, want := range map[int64]string{999: "999 B", 1500: "1.5 kB", 2_000_000: "2.0 MB", 3_500_000_000: "3.50 GB"} {
		assert.Equal(t, want, humanBytes(n))
	}
}

func TestParseInterleaved(t *testing.T) {
	for _, c := range []struct {
		args []string
		json bool
		pos  []string
	}{
		{[]string{"u", "k"}, false, []string{"u", "k"}},
		{[]string{"-json", "u", "k"}, true, []string{"u", "k"}},
		{[]string{"u", "-json", "k"}, true, []string{"u", "k"}},
		{[]string{"u", "k", "-json"}, true, []string{"u", "k"}},
		{[]string{"u", "k", "-"}, false, []string{"u", "k", "-"}},
		{[]string{"u", "--", "-json", "-5"}, false, []string{"u", "-json", "-5"}},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		j := fs.Bool("json", false, "")
		pos, err := parseInterleaved(fs, c.args)
		require.NoError(t, err, c.args)
		assert.Equal(t, c.json, *j, c.args)
		assert.Equal(t, c.pos, pos, c.args)
	}
}
