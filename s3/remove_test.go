// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"errors"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/s3"
)

// TestRemoveIfVersionMinIO: MinIO ignores If-Match on DELETE, so the
// backend finds out and refuses conditional removes instead of making
// them plain ones; the probe leaves no object behind.
func TestRemoveIfVersionMinIO(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "condrm")
	b := openBackend(t, client, bucket, nil)
	require.NoError(t, b.Put(bg, "k", val("v", 1)))
	_, v, err := b.StatVersion(bg, "k")
	require.NoError(t, err)
	err = b.RemoveIfVersion(bg, "k", v)
	require.ErrorIs(t, err, errors.ErrUnsupported)
	got, err := b.Get(bg, "k")
	require.NoError(t, err, "an unsupported conditional remove removed the key")
	require.Equal(t, "v", string(got.Value))
	ok, err := b.ConditionalRemoves(bg)
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, []string{s3.ObjectName(b, "k")}, listNames(t, client, bucket, ""), "the probe stayed")
}

// TestRemoveIfVersionVersityGW: versitygw honours If-Match on DELETE: a
// tombstone rewritten by another process since its version was read is
// kept.
func TestRemoveIfVersionVersityGW(t *testing.T) {
	client := versityClient(t)
	bucket := makeBucket(t, client, "condrm")
	checkRemoveIfVersion(t, client, bucket)
}

func checkRemoveIfVersion(t *testing.T, client *minio.Client, bucket string) {
	a := openBackend(t, client, bucket, nil)
	other := openBackend(t, client, bucket, nil)
	ok, err := a.ConditionalRemoves(bg)
	require.NoError(t, err)
	require.True(t, ok)

	tomb := backend.Entry{Timestamp: ts(1), Deleted: true}
	require.NoError(t, a.PutIfVersion(bg, "k", tomb, ""))
	_, v1, err := a.StatVersion(bg, "k")
	require.NoError(t, err)
	// Another process writes over the tombstone: a's remove must fail.
	require.NoError(t, other.Put(bg, "k", val("new", 2)))
	require.ErrorIs(t, a.RemoveIfVersion(bg, "k", v1), backend.ErrConflict)
	got, err := a.Get(bg, "k")
	require.NoError(t, err)
	require.Equal(t, "new", string(got.Value))
	// Even the same bytes again (a tombstone over a tombstone) change the
	// version.
	require.NoError(t, other.Put(bg, "t", tomb))
	_, err = a.Stat(bg, "t") // fills a's version cache
	require.NoError(t, err)
	_, vt, err := a.StatVersion(bg, "t")
	require.NoError(t, err)
	tomb2 := tomb
	tomb2.Timestamp = ts(3)
	require.NoError(t, other.Put(bg, "t", tomb2))
	require.ErrorIs(t, a.RemoveIfVersion(bg, "t", vt), backend.ErrConflict)

	// At the current version, the key goes.
	_, v2, err := a.StatVersion(bg, "k")
	require.NoError(t, err)
	require.Equal(t, ts(2), got.Timestamp)
	require.NoError(t, a.RemoveIfVersion(bg, "k", v2))
	_, err = a.Get(bg, "k")
	require.ErrorIs(t, err, backend.ErrNotFound)
	// Missing already: not an error. The zero version: only a missing key.
	require.NoError(t, a.RemoveIfVersion(bg, "k", v2))
	require.NoError(t, a.RemoveIfVersion(bg, "k", ""))
	require.ErrorIs(t, a.RemoveIfVersion(bg, "t", ""), backend.ErrConflict)
	require.ElementsMatch(t, []string{s3.ObjectName(a, "t")}, listNames(t, client, bucket, ""), "the probe stayed")
}
