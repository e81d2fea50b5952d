// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/backendtest"
)

// harness opens a Backend on a temporary directory; Open after Close
// reopens the same database.
type harness struct {
	dir  string
	opts Options
}

func (h *harness) Open(context.Context) (backend.Backend, error) {
	o := h.opts
	o.CreateIfMissing = true
	return Open(h.dir, &o)
}

func (h *harness) Durable() bool { return true }
func (h *harness) Close()        {}

func harnessMaker(opts Options) backendtest.HarnessMaker {
	return func(_ context.Context, t testing.TB) (backendtest.Harness, error) {
		return &harness{dir: filepath.Join(t.TempDir(), "db"), opts: opts}, nil
	}
}

func TestConformance(t *testing.T) {
	backendtest.RunConformanceTests(t, harnessMaker(Options{}))
}

// The metadata cache must not change what the contract promises.
func TestConformanceWithoutMetaCache(t *testing.T) {
	backendtest.RunConformanceTests(t, harnessMaker(Options{MetaCacheEntries: -1}))
}

func TestConformanceSync(t *testing.T) {
	backendtest.RunConformanceTests(t, harnessMaker(Options{Sync: true, MetaCacheEntries: 4}))
}

func BenchmarkBackend(b *testing.B) {
	backendtest.RunBenchmarks(b, harnessMaker(Options{}))
}

func BenchmarkBackendNoMetaCache(b *testing.B) {
	backendtest.RunBenchmarks(b, harnessMaker(Options{MetaCacheEntries: -1}))
}

func TestStoreSuite(t *testing.T) {
	backendtest.RunStoreTests(t, harnessMaker(Options{}))
}
