// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/rocksdb"
	"github.com/stratakv/strata/s3"
)

// TestRocksDBAndS3Replicas runs the replication pair suite with one
// replica on RocksDB and the other on S3 (a real MinIO): they must
// converge exactly as two memory replicas do.
func TestRocksDBAndS3Replicas(t *testing.T) {
	srv := testenv.S3(t)
	ctx := context.Background()
	antientropytest.RunPairTests(t, func(t testing.TB, i int, opts *strata.Options) *strata.Store {
		var (
			be  backend.Backend
			err error
		)
		if i == 0 {
			be, err = rocksdb.Open(t.TempDir(), &rocksdb.Options{CreateIfMissing: true})
		} else {
			client, cerr := s3.NewClient(s3.ClientConfig{
				Endpoint: "http://" + srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
			})
			require.NoError(t, cerr)
			be, err = s3.Open(ctx, client, bucketName(t), &s3.Options{CreateBucket: true, DestroyOnClose: true})
		}
		require.NoError(t, err)
		store, err := strata.Open(ctx, be, opts)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, store.Close(ctx)) })
		return store
	})
}

// TestRocksDBAndMemoryReplicas runs the replication pair suite with one
// replica on RocksDB and the other in memory: it needs no server, so
// that push and large values are covered on a durable backend in every
// run.
func TestRocksDBAndMemoryReplicas(t *testing.T) {
	ctx := context.Background()
	antientropytest.RunPairTests(t, func(t testing.TB, i int, opts *strata.Options) *strata.Store {
		var be backend.Backend = memory.New()
		if i == 0 {
			var err error
			be, err = rocksdb.Open(t.TempDir(), &rocksdb.Options{CreateIfMissing: true})
			require.NoError(t, err)
		}
		opts.GCInterval = -1
		store, err := strata.Open(ctx, be, opts)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, store.Close(ctx)) })
		return store
	})
}

func bucketName(t testing.TB) string {
	var b [6]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return "strata-it-" + hex.EncodeToString(b[:])
}
