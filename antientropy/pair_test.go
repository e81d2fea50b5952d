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

func TestPairMemory(t *testing.T) {
	antientropytest.RunPairTests(t, openMemory)
}
