// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy/antientropytest"
)

// BenchmarkLargeValueTransfer measures the throughput of one large value
// replicated in chunks of the default message size (1 MiB) over the
// in-memory transport, from the put to the value applied on the peer.
func BenchmarkLargeValueTransfer(b *testing.B) {
	for _, size := range []int{4 << 20, 64 << 20} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			ctx := b.Context()
			p := newLargePair(b, 0)
			value := randomValue(1, size)
			b.SetBytes(int64(size))
			for b.Loop() {
				value[0]++
				_, err := p.Stores[0].Put(ctx, "big/v", value)
				require.NoError(b, err)
				p.Elapse()
				require.NoError(b, p.Replicas[1].AlignWith(ctx, "a"))
			}
			b.StopTimer()
			require.Equal(b, string(value), antientropytest.Live(b, p.Stores[1])["big/v"])
		})
	}
}
