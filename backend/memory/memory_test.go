// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package memory_test

import (
	"context"
	"testing"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/backendtest"
	"github.com/stratakv/strata/backend/memory"
)

type harness struct{}

func (harness) Open(context.Context) (backend.Backend, error) { return memory.New(), nil }
func (harness) Durable() bool                                 { return false }
func (harness) Close()                                        {}

func newHarness(context.Context, testing.TB) (backendtest.Harness, error) { return harness{}, nil }

func TestConformance(t *testing.T) { backendtest.RunConformanceTests(t, newHarness) }

func BenchmarkMemory(b *testing.B) { backendtest.RunBenchmarks(b, newHarness) }

func TestStore(t *testing.T) { backendtest.RunStoreTests(t, newHarness) }
