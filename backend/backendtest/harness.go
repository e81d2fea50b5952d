// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package backendtest is the conformance suite and the benchmark suite that
// every strata backend runs: memory and RocksDB always, S3 against a real
// MinIO. A backend's test file supplies a HarnessMaker of a few lines and
// calls RunConformanceTests and RunBenchmarks.
package backendtest

import (
	"context"
	"testing"

	"github.com/stratakv/strata/backend"
)

// Harness gives the suites fresh storage for one test.
type Harness interface {
	// Open opens a backend on the harness's storage: empty at the first
	// call; for a durable harness, the same storage again once the
	// previously opened backend has been closed.
	Open(ctx context.Context) (backend.Backend, error)
	// Durable reports whether what was written survives Close and Open.
	Durable() bool
	// Close releases the storage (temporary directory, bucket, …).
	Close()
}

// HarnessMaker makes a Harness with its own empty storage.
type HarnessMaker func(ctx context.Context, t testing.TB) (Harness, error)

// open makes a harness and opens its backend, closing both at cleanup.
func open(t testing.TB, newHarness HarnessMaker) (Harness, backend.Backend) {
	t.Helper()
	ctx := context.Background()
	h, err := newHarness(ctx, t)
	if err != nil {
		t.Fatalf("making harness: %v", err)
	}
	t.Cleanup(h.Close)
	b, err := h.Open(ctx)
	if err != nil {
		t.Fatalf("opening backend: %v", err)
	}
	t.Cleanup(func() { _ = b.Close(ctx) })
	return h, b
}
