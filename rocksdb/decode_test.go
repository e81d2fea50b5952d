// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// TestDecodeEncodings: reads that share the remembered encoding, or
// replace it, return each record's own encoding, by Get, Stat and Scan,
// and values that belong to the caller.
func TestDecodeEncodings(t *testing.T) {
	b, _ := openTemp(t, nil)
	encs := []string{"text/plain", "", "application/json", "text/plain", "text/plain;charset=utf-8", ""}
	var ops []backend.Op
	for i, enc := range encs {
		ops = append(ops, backend.Op{Key: fmt.Sprintf("k/%d", i),
			Entry: backend.Entry{Value: []byte(fmt.Sprintf("v%d", i)), Encoding: enc, Timestamp: stamp(uint64(i + 1))}})
	}
	require.NoError(t, b.WriteBatch(bg, ops))
	for round := range 2 {
		for i, enc := range encs {
			e, err := b.Get(bg, ops[i].Key)
			require.NoError(t, err)
			require.Equal(t, enc, e.Encoding, "round %d, key %d", round, i)
			require.Equal(t, fmt.Sprintf("v%d", i), string(e.Value))
			e.Value[0] = 'X' // the caller's: the next reads do not see it
		}
		var got []string
		var values [][]byte
		for it, err := range b.Scan(bg, "k/", nil) {
			require.NoError(t, err)
			got = append(got, it.Entry.Encoding)
			values = append(values, it.Entry.Value)
		}
		require.Equal(t, encs, got)
		for i, v := range values {
			require.Equal(t, fmt.Sprintf("v%d", i), string(v))
		}
	}
	require.Zero(t, testing.AllocsPerRun(20, func() { b.encs.intern([]byte("text/plain")) }))
	require.Equal(t, "text/plain", b.encs.intern([]byte("text/plain")))
	require.Equal(t, "a", b.encs.intern([]byte("a")))
}
