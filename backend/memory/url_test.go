// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package memory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
)

func TestOpenURL(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"memory:", "memory://", "memory:///"} {
		b, err := backend.OpenURL(ctx, u)
		require.NoError(t, err, u)
		require.IsType(t, &memory.Backend{}, b)
		require.NoError(t, b.Close(ctx))
	}
	for u, want := range map[string]string{
		"memory:name":           `memory: url "memory:name": takes no name or path: use memory:`,
		"memory://host":         `memory: url "memory://host": takes no name or path: use memory:`,
		"memory:///a/b":         `memory: url "memory:///a/b": takes no name or path: use memory:`,
		"memory://u:pw@/":       `memory: url "memory:///": takes no name or path: use memory:`,
		"memory:?size=1":        `memory: url: unknown parameter size (it takes none)`,
		"memory:?size=1&size=2": `memory: url: unknown parameter size (it takes none)`,
	} {
		_, err := backend.OpenURL(ctx, u)
		require.EqualError(t, err, want, u)
	}
}
