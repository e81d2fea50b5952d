// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/minio/minio-go/v7"
)

// destroy removes every object under the prefix, in multi-object DELETE
// requests of up to 1,000 names, and then the bucket if Open created it
// and nothing else is left in it (for Options.DestroyOnClose).
func (b *Backend) destroy(ctx context.Context) error {
	var listErr error
	noOwner := false
	names := func(yield func(minio.ObjectInfo) bool) {
		lo := minio.ListObjectsOptions{Prefix: b.opts.Prefix, Recursive: true, FetchOwner: &noOwner}
		for obj := range b.client.ListObjectsIter(ctx, b.bucket, lo) {
			if obj.Err != nil {
				listErr = obj.Err
				return
			}
			if !yield(minio.ObjectInfo{Key: obj.Key}) {
				return
			}
		}
	}
	results, err := b.client.RemoveObjectsWithIter(ctx, b.bucket, iter.Seq[minio.ObjectInfo](names), minio.RemoveObjectsOptions{})
	if err != nil {
		return wrapErr("destroy", b.opts.Prefix, err)
	}
	removed := 0
	var errs []error
	for r := range results {
		if r.Err != nil {
			if len(errs) < 3 {
				errs = append(errs, wrapErr("destroy", r.ObjectName, r.Err))
			}
			continue
		}
		removed++
	}
	if listErr != nil {
		errs = append(errs, wrapErr("destroy", b.opts.Prefix, listErr))
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("s3: destroy %q: %w", b.opts.Prefix, err))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	b.log.Info("s3: destroyed the objects under the prefix", "removed", removed)
	if !b.created {
		return nil
	}
	err = b.client.RemoveBucket(ctx, b.bucket)
	switch {
	case err == nil:
		b.log.Info("s3: removed the bucket that Open created")
	case isCode(err, errBucketNotEmpty):
		b.log.Info("s3: kept the bucket that Open created: other objects remain in it")
	default:
		return wrapErr("destroy bucket", b.bucket, err)
	}
	return nil
}
