// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"testing"

	"github.com/stratakv/strata/backend/backendtest"
	"github.com/stratakv/strata/s3"
)

// TestConformance runs the backend contract with a bucket per test.
func TestConformance(t *testing.T) {
	client := newClient(t, nil)
	backendtest.RunConformanceTests(t, bucketHarness(client, s3.Options{}, nil))
}

// TestConformancePrefix runs it with a prefix per test in a shared bucket
// (a prefix with a space), and no values inlined in metadata.
func TestConformancePrefix(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "prefix")
	backendtest.RunConformanceTests(t, prefixHarness(client, bucket, s3.Options{InlineValues: -1}))
}

// TestConformanceHeads runs it with metadata-only scans that HEAD every
// object (as on servers without list-with-metadata), exact bodies (no
// nonces), no version cache, and a small window.
func TestConformanceHeads(t *testing.T) {
	client := newClient(t, nil)
	opts := s3.Options{SingleWriter: true, CacheSize: -1, Concurrency: 3}
	backendtest.RunConformanceTests(t, bucketHarness(client, opts, func(b *s3.Backend) { s3.SetListMetadata(b, false) }))
}

// TestStoreSuite runs a Store over the backend: semantics, garbage
// collection, and everything back after a reopen.
func TestStoreSuite(t *testing.T) {
	client := newClient(t, nil)
	backendtest.RunStoreTests(t, bucketHarness(client, s3.Options{}, nil))
}
