// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/backend/memory"
)

func openMemory(t testing.TB, _ int, opts *strata.Options) *strata.Store {
	opts.GCInterval = -1
	s, err := strata.Open(context.Background(), memory.New(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// memoryStores opens two memory stores of keyExpr whose clocks (IDs 1
// and 2) read ft, a new fake time.
func memoryStores(t testing.TB, keyExpr string) (ft *antientropytest.FakeTime, a, b *strata.Store) {
	ft = antientropytest.NewFakeTime()
	a = openMemory(t, 0, &strata.Options{KeyExpr: keyExpr, Clock: ft.Clock(1, 0)})
	b = openMemory(t, 1, &strata.Options{KeyExpr: keyExpr, Clock: ft.Clock(2, 0)})
	return ft, a, b
}

func TestPairMemory(t *testing.T) {
	antientropytest.RunPairTests(t, openMemory)
}
