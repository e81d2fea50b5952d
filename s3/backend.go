// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"unicode/utf8"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"github.com/stratakv/strata/backend"
)

// Backend stores strata entries as objects of one bucket (under a prefix).
// Create it with Open. It is safe for concurrent use.
type Backend struct {
	client *minio.Client
	core   minio.Core
	bucket string
	opts   Options
	log    *slog.Logger
	cache  *versionCache
	// condRemove remembers whether the server honours If-Match on DELETE.
	condRemove *condRemove
	created    bool // Open created the bucket

	// listMetadata says how metadata-only scans get metadata: from the
	// listing (MinIO's metadata=true extension) when the server gives it,
	// else with a HEAD per object. Tests switch it off to measure HEADs.
	listMetadata bool
	// afterFetch, if set, runs in Get and Stat between the request and
	// the cache update (tests order races with it).
	afterFetch func(key string)

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
}

var (
	_ backend.Backend     = (*Backend)(nil)
	_ backend.Batcher     = (*Backend)(nil)
	_ backend.Conditional = (*Backend)(nil)
	_ backend.Aser        = (*Backend)(nil)
)

// Open returns a backend over bucket, reached through client (see
// NewClient). With Options.CreateBucket it creates the bucket, or reuses it
// if the client's account owns it already; otherwise the bucket must exist,
// and a missing one is an error wrapping backend.ErrNotFound and
// ErrNoBucket. A name S3 refuses is an error wrapping ErrInvalidBucketName.
// Open makes one or two requests, bounded by ctx.
func Open(ctx context.Context, client *minio.Client, bucket string, opts *Options) (*Backend, error) {
	if client == nil {
		return nil, errors.New("s3: open: nil *minio.Client")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := s3utils.CheckValidBucketNameStrict(bucket); err != nil {
		return nil, fmt.Errorf("s3: open bucket %q: %w: %v", bucket, ErrInvalidBucketName, err)
	}
	b := &Backend{
		client:       client,
		core:         minio.Core{Client: client},
		bucket:       bucket,
		opts:         o,
		log:          o.Logger.With("bucket", bucket, "prefix", o.Prefix),
		cache:        newVersionCache(o.CacheSize),
		condRemove:   newCondRemove(),
		listMetadata: true,
	}
	if err := b.openBucket(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// openBucket creates or checks the bucket, as Open documents.
func (b *Backend) openBucket(ctx context.Context) error {
	if b.opts.CreateBucket {
		err := b.client.MakeBucket(ctx, b.bucket, minio.MakeBucketOptions{})
		if err == nil {
			b.created = true
			return nil
		}
		if isCode(err, errBucketOwned) {
			return nil // reuse it
		}
		return wrapErr("create bucket", b.bucket, err)
	}
	ok, err := b.client.BucketExists(ctx, b.bucket)
	if err != nil {
		return wrapErr("open bucket", b.bucket, err)
	}
	if !ok {
		return fmt.Errorf("s3: open bucket %q: %w: %w (set Options.CreateBucket to create it)", b.bucket, backend.ErrNotFound, ErrNoBucket)
	}
	return nil
}

// As implements backend.Aser: a **minio.Client target receives the client.
func (b *Backend) As(target any) bool {
	switch t := target.(type) {
	case **minio.Client:
		*t = b.client
		return true
	}
	return false
}

// Bucket returns the name of the bucket.
func (b *Backend) Bucket() string { return b.bucket }

// Prefix returns the normalized Options.Prefix ("" or ending with '/').
func (b *Backend) Prefix() string { return b.opts.Prefix }

// enter registers an operation in flight; it reports false once the
// backend is closed. Every true must be matched by a call to leave.
func (b *Backend) enter() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.inflight.Add(1)
	return true
}

func (b *Backend) leave() { b.inflight.Done() }

// Close implements backend.Backend. It refuses new operations, waits for
// those in flight (a Scan stops at its next request and yields an error
// wrapping backend.ErrClosed), and then, with Options.DestroyOnClose,
// removes the objects under the prefix and the bucket it created. If ctx
// ends first, Close returns its error; the backend stays closed. A second
// call returns nil.
func (b *Backend) Close(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()

	done := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("s3: close: waiting for operations in flight: %w", ctx.Err())
	}
	if b.opts.DestroyOnClose {
		return b.destroy(ctx)
	}
	return nil
}

// objectName returns the object name of key, or an error wrapping
// backend.ErrInvalidKey when it would exceed S3's limit.
func (b *Backend) objectName(op, key string) (string, error) {
	if !utf8.ValidString(key) {
		return "", fmt.Errorf("s3: %s %q: %w: not valid UTF-8", op, key, backend.ErrInvalidKey)
	}
	name := b.opts.Prefix + encodeKey(key)
	if len(name) > maxObjectName {
		return "", fmt.Errorf("s3: %s %q: %w: its object name takes %d bytes, S3 allows %d",
			op, key, backend.ErrInvalidKey, len(name), maxObjectName)
	}
	return name, nil
}

// metaName returns the object name of a store-metadata record.
func (b *Backend) metaName(op, name string) (string, error) {
	obj := b.opts.Prefix + metaSpace + encodeKey(name)
	if len(obj) > maxObjectName {
		return "", fmt.Errorf("s3: %s %q: %w: its object name takes %d bytes, S3 allows %d",
			op, name, backend.ErrInvalidKey, len(obj), maxObjectName)
	}
	return obj, nil
}
