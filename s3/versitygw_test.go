// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/backend/backendtest"
	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

// versityClient starts a versitygw server (posix backend) of the test's own
// and returns a client of it. versitygw is a second S3 implementation: it
// has no list-with-metadata extension, so metadata-only scans HEAD each
// object.
func versityClient(t *testing.T) *minio.Client {
	t.Helper()
	g := testenv.StartVersityGW(t)
	client, err := s3.NewClient(s3.ClientConfig{
		Endpoint:  "http://" + g.Endpoint,
		AccessKey: g.AccessKey,
		SecretKey: g.SecretKey,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// TestVersityGWConformance runs the backend contract against versitygw,
// with a bucket per test.
func TestVersityGWConformance(t *testing.T) {
	client := versityClient(t)
	backendtest.RunConformanceTests(t, bucketHarness(client, s3.Options{}, nil))
}

// TestVersityGWStoreSuite runs a Store over the backend on versitygw.
func TestVersityGWStoreSuite(t *testing.T) {
	client := versityClient(t)
	backendtest.RunStoreTests(t, bucketHarness(client, s3.Options{}, nil))
}
