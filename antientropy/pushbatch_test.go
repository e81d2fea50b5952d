// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
)

// A batch keeps its buffers from one use to the next, up to a message's
// worth; the larger buffers of a burst go once batches have been small
// for shrinkAfter uses in a row, and the values copied in stay apart.
func TestPushBatchBuffers(t *testing.T) {
	var b pushBatch
	fill := func(n, size int) {
		for i := range n {
			v := make([]byte, size)
			v[0] = byte(i)
			q := queued{Sample: strata.Sample{Key: "k", Value: b.copyValue(v)}}
			b.samples = append(b.samples, q)
		}
		for i, q := range b.samples {
			require.Equal(t, byte(i), q.Value[0])
			require.Len(t, q.Value, size)
			require.Equal(t, size, cap(q.Value), "a value's capacity ends with it")
		}
	}
	fill(2000, 100) // a 2 ms batch of a fast writer: kept
	caps := [2]int{cap(b.samples), cap(b.values)}
	b.empty()
	fill(2000, 100)
	require.Equal(t, caps, [2]int{cap(b.samples), cap(b.values)}, "buffers reused")
	b.empty()

	fill(20000, 100) // a burst: kept while bursts go on
	b.empty()
	for range shrinkAfter - 1 {
		fill(10, 100)
		b.empty()
	}
	require.Greater(t, cap(b.samples), keepSamples)
	fill(10, 100)
	b.empty()
	require.Zero(t, cap(b.samples), "released after %d small batches", shrinkAfter)
	require.Zero(t, cap(b.values))
}
