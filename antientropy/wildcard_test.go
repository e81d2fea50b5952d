// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
)

// A peer's wildcard delete is clamped to the store's key expression: "**"
// on a store of "fleet/**" is remembered and applied as "fleet/**"; an
// expression that only overlaps the store's is remembered as issued, on
// both replicas alike.
func TestWildcardDeleteClamped(t *testing.T) {
	ctx := context.Background()
	ft, a, b := memoryStores(t, "fleet/**")
	p := antientropytest.NewPair(t, ft, a, b, &antientropy.Options{Logger: slog.New(slog.DiscardHandler)})
	for _, k := range []string{"fleet/x", "fleet/y/x", "fleet/z"} {
		_, err := a.Put(ctx, k, []byte("v"))
		require.NoError(t, err)
	}
	p.Settle(t)
	_, err := b.Delete(ctx, "*/x")
	require.NoError(t, err)
	p.Elapse()
	require.NoError(t, p.Replicas[0].AlignWith(ctx, "b"))
	require.Equal(t, map[string]string{"fleet/y/x": "v", "fleet/z": "v"}, antientropytest.Live(t, a), "fleet/x deleted by its own tombstone")
	require.Equal(t, b.WildcardDeletes(), a.WildcardDeletes(), "both remember the overlapping expression")
	require.Zero(t, p.Replicas[0].Stats().Refused)

	_, err = b.Delete(ctx, "**")
	require.NoError(t, err)
	p.Elapse()
	require.NoError(t, p.Replicas[0].AlignWith(ctx, "b"))
	require.Empty(t, antientropytest.Live(t, a))
	wds := a.WildcardDeletes()
	require.Len(t, wds, 2)
	require.Equal(t, "fleet/**", wds[1].Key, "clamped to the store's key expression")
	require.Equal(t, b.WildcardDeletes(), wds, "the issuing store clamps it the same way")
}
