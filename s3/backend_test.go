// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/s3"
)

func ts(n uint64) hlc.Timestamp {
	return hlc.Timestamp{Time: hlc.NTP64(n<<4 + 1<<40), ID: hlc.ID{0x2a}}
}

func val(v string, n uint64) backend.Entry {
	return backend.Entry{Value: []byte(v), Encoding: "text/plain", Timestamp: ts(n)}
}

func keysOf(t testing.TB, b backend.Backend, prefix string, opts *backend.ScanOptions) []string {
	t.Helper()
	var keys []string
	for it, err := range b.Scan(bg, prefix, opts) {
		require.NoError(t, err)
		keys = append(keys, it.Key)
	}
	return keys
}

// TestReopenCoexist stores keys that are prefixes of each other (which
// MinIO cannot hold as plain object names), tombstones and metadata, and
// finds everything again, under readable object names, after a reopen.
func TestReopenCoexist(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "reopen")
	b, err := s3.Open(bg, client, bucket, &s3.Options{Logger: quiet})
	require.NoError(t, err)
	keys := []string{"", "a", "a/b", "a/b/c", "a/b/c/d", "a/bc", "a b", "a/b!", "x/100%", "x/a+b", "x/@v", "x/ünï cødé"}
	for i, k := range keys {
		require.NoError(t, b.Put(bg, k, val(k, uint64(i+1))))
	}
	require.NoError(t, b.Put(bg, "gone", backend.Entry{Timestamp: ts(99), Deleted: true}))
	require.NoError(t, b.PutMeta(bg, "config", []byte("cfg")))
	require.NoError(t, b.Close(bg))

	want := append(slices.Clone(keys), "gone")
	slices.Sort(want)
	b2 := openBackend(t, client, bucket, nil)
	items := []backend.Item{}
	for it, err := range b2.Scan(bg, "", nil) {
		require.NoError(t, err)
		items = append(items, it)
	}
	got := []string{}
	for _, it := range items {
		got = append(got, it.Key)
		if it.Key == "gone" {
			require.True(t, it.Entry.Deleted)
			require.Equal(t, ts(99), it.Entry.Timestamp)
			continue
		}
		require.Equal(t, it.Key, string(it.Entry.Value))
	}
	require.Equal(t, want, got)
	meta, err := b2.GetMeta(bg, "config")
	require.NoError(t, err)
	require.Equal(t, "cfg", string(meta))

	names := listNames(t, client, bucket, "")
	for _, n := range []string{"!", "a!", "a/b!", "a/b/c!", "a/b/c/d!", "a%20b!", "a/b%21!", "x/100%25!", "x/a+b!", "x/@v!", "x/ünï%20cødé!", "gone!", "!meta/config!"} {
		require.Contains(t, names, n)
	}
	// Tombstones hold only the nonce; values end with it.
	info, err := client.StatObject(bg, bucket, "gone!", minio.StatObjectOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(16), info.Size)
	require.Equal(t, "16", info.UserMetadata["Strata-Nonce"])
	info, err = client.StatObject(bg, bucket, "a!", minio.StatObjectOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(len("a")+16), info.Size)
}

// TestSingleWriterBodies: with Options.SingleWriter, bodies are exactly
// the values and tombstones are empty.
func TestSingleWriterBodies(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "exact")
	b := openBackend(t, client, bucket, &s3.Options{SingleWriter: true})
	require.NoError(t, b.Put(bg, "gone", backend.Entry{Timestamp: ts(99), Deleted: true}))
	require.NoError(t, b.Put(bg, "a", val("value", 1)))
	info, err := client.StatObject(bg, bucket, "gone!", minio.StatObjectOptions{})
	require.NoError(t, err)
	require.Zero(t, info.Size)
	obj, err := client.GetObject(bg, bucket, "a!", minio.GetObjectOptions{})
	require.NoError(t, err)
	defer obj.Close()
	body, err := io.ReadAll(obj)
	require.NoError(t, err)
	require.Equal(t, "value", string(body))
}

func TestLongKey(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "long")
	for _, prefix := range []string{"", "p/"} {
		b := openBackend(t, client, bucket, &s3.Options{Prefix: prefix})
		// Plus the terminator: 1,024 bytes, in segments MinIO can store
		// as directories (255 bytes at most each).
		fits := strings.Repeat(strings.Repeat("k", 99)+"/", 10)
		fits += strings.Repeat("k", 1023-len(prefix)-len(fits))
		require.NoError(t, b.Put(bg, fits, val("v", 1)))
		got, err := b.Get(bg, fits)
		require.NoError(t, err)
		require.Equal(t, "v", string(got.Value))

		tooLong := fits + "k"
		escapes := strings.Repeat(" ", 400) // 3 bytes each once escaped
		for _, k := range []string{tooLong, escapes} {
			err := b.Put(bg, k, val("v", 1))
			require.ErrorIs(t, err, backend.ErrInvalidKey)
			require.Contains(t, err.Error(), "1024")
			_, err = b.Get(bg, k)
			require.ErrorIs(t, err, backend.ErrInvalidKey)
			_, err = b.Stat(bg, k)
			require.ErrorIs(t, err, backend.ErrInvalidKey)
			require.ErrorIs(t, b.Remove(bg, k), backend.ErrInvalidKey)
			_, _, err = b.StatVersion(bg, k)
			require.ErrorIs(t, err, backend.ErrInvalidKey)
			require.ErrorIs(t, b.WriteBatch(bg, []backend.Op{{Key: "ok", Entry: val("v", 1)}, {Key: k, Entry: val("v", 1)}}), backend.ErrInvalidKey)
		}
		_, err = b.Get(bg, "ok")
		require.ErrorIs(t, err, backend.ErrNotFound, "a batch with an invalid key writes nothing")
		require.ErrorIs(t, b.Put(bg, "bad\xffutf8", val("v", 1)), backend.ErrInvalidKey)
		// MinIO keeps objects in a file system: it refuses a segment (a
		// chunk) longer than 255 bytes, and the error says the key is
		// invalid.
		require.ErrorIs(t, b.Put(bg, "x/"+strings.Repeat("k", 300), val("v", 1)), backend.ErrInvalidKey)
	}
}

func TestOpenErrors(t *testing.T) {
	client := newClient(t, nil)

	_, err := s3.Open(bg, client, "Bad_Bucket..Name", nil)
	require.ErrorIs(t, err, s3.ErrInvalidBucketName)
	require.Contains(t, err.Error(), "Bad_Bucket..Name")
	_, err = s3.Open(bg, client, "Bad_Bucket..Name", &s3.Options{CreateBucket: true})
	require.ErrorIs(t, err, s3.ErrInvalidBucketName)

	missing := uniqueBucket("missing")
	_, err = s3.Open(bg, client, missing, nil)
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.ErrorIs(t, err, s3.ErrNoBucket)
	require.Contains(t, err.Error(), missing)

	for _, o := range []s3.Options{
		{ReadOnly: true, CreateBucket: true},
		{ReadOnly: true, DestroyOnClose: true},
		{Prefix: "/abs"},
		{Prefix: "a//b"},
		{Prefix: "a/../b"},
		{Prefix: "a/./b"},
		{Prefix: "a\\..\\b"},
		{Prefix: "bad\xff"},
		{Concurrency: -1},
	} {
		_, err := s3.Open(bg, client, missing, &o)
		require.Error(t, err, "%+v", o)
		require.NotErrorIs(t, err, backend.ErrNotFound, "options are checked before the bucket: %+v", o)
	}
	_, err = s3.Open(bg, nil, missing, nil)
	require.Error(t, err)
}

func TestCreateBucketReuse(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "reuse")
	b := openBackend(t, client, bucket, &s3.Options{CreateBucket: true, DestroyOnClose: true, Prefix: "mine"})
	require.NoError(t, b.Put(bg, "k", val("v", 1)))
	_, err := client.PutObject(bg, bucket, "other/object", strings.NewReader("x"), 1, minio.PutObjectOptions{})
	require.NoError(t, err)
	require.NoError(t, b.Close(bg))
	// DestroyOnClose removed the prefix only, and kept the bucket it did
	// not create.
	require.Equal(t, []string{"other/object"}, listNames(t, client, bucket, ""))
}

func TestDestroyOnClose(t *testing.T) {
	client := newClient(t, nil)
	bucket := uniqueBucket("destroy")
	t.Cleanup(func() { removeObjects(t, client, bucket, ""); removeBucket(t, client, bucket) })
	b, err := s3.Open(bg, client, bucket, &s3.Options{CreateBucket: true, DestroyOnClose: true, Logger: quiet})
	require.NoError(t, err)
	ops := make([]backend.Op, 1200)
	for i := range ops {
		ops[i] = backend.Op{Key: strings.Repeat("d/", i%5) + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Entry: val("v", 1)}
	}
	require.NoError(t, b.WriteBatch(bg, ops))
	require.NoError(t, b.PutMeta(bg, "m", []byte("x")))
	require.NoError(t, b.Close(bg))
	ok, err := client.BucketExists(bg, bucket)
	require.NoError(t, err)
	require.False(t, ok, "the bucket Open created is gone")

	// A created bucket that holds other objects stays.
	b, err = s3.Open(bg, client, bucket, &s3.Options{CreateBucket: true, DestroyOnClose: true, Prefix: "p", Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, b.Put(bg, "k", val("v", 1)))
	_, err = client.PutObject(bg, bucket, "keep", strings.NewReader("x"), 1, minio.PutObjectOptions{})
	require.NoError(t, err)
	require.NoError(t, b.Close(bg))
	require.Equal(t, []string{"keep"}, listNames(t, client, bucket, ""))
}

func TestReadOnly(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "ro")
	w := openBackend(t, client, bucket, nil)
	require.NoError(t, w.Put(bg, "k", val("v", 1)))
	b := openBackend(t, client, bucket, &s3.Options{ReadOnly: true})
	got, err := b.Get(bg, "k")
	require.NoError(t, err)
	require.Equal(t, "v", string(got.Value))
	require.ErrorIs(t, b.Put(bg, "k", val("w", 2)), backend.ErrReadOnly)
	require.ErrorIs(t, b.PutIfVersion(bg, "k", val("w", 2), ""), backend.ErrReadOnly)
	require.ErrorIs(t, b.Remove(bg, "k"), backend.ErrReadOnly)
	require.ErrorIs(t, b.PutMeta(bg, "m", []byte("x")), backend.ErrReadOnly)
	require.ErrorIs(t, b.WriteBatch(bg, []backend.Op{{Key: "k", Remove: true}}), backend.ErrReadOnly)
	require.Equal(t, []string{"k"}, keysOf(t, b, "", nil))
}

func TestAs(t *testing.T) {
	client := newClient(t, nil)
	b := openBackend(t, client, makeBucket(t, client, "as"), nil)
	var c *minio.Client
	require.True(t, b.As(&c))
	require.Same(t, client, c)
	var s string
	require.False(t, b.As(&s))
}

// TestMissingBucketLater: a bucket removed under an open backend is not
// mistaken for missing keys.
func TestMissingBucketLater(t *testing.T) {
	client := newClient(t, nil)
	bucket := uniqueBucket("vanish")
	require.NoError(t, client.MakeBucket(bg, bucket, minio.MakeBucketOptions{}))
	b := openBackend(t, client, bucket, nil)
	removeBucket(t, client, bucket)
	_, err := b.Get(bg, "k")
	require.ErrorIs(t, err, s3.ErrNoBucket)
	require.NotErrorIs(t, err, backend.ErrNotFound)
	var scanErr error
	for _, err := range b.Scan(bg, "", nil) {
		scanErr = err
	}
	require.ErrorIs(t, scanErr, s3.ErrNoBucket)
	require.True(t, errors.Is(b.Put(bg, "k", val("v", 1)), s3.ErrNoBucket))
}
