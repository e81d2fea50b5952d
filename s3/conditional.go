// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"context"
	"fmt"

	"github.com/stratakv/strata/backend"
)

// StatVersion implements backend.Conditional. The version is the object's
// ETag. It answers from the version cache when it can, without a request:
// the state this process last wrote or read for key, or, for a key it
// does not know, "missing" (optimistically: the conditional write that
// follows finds out). A key whose last conditional write conflicted is
// read from the server (one HEAD). With Options.CacheSize < 0, every call
// is a HEAD.
func (b *Backend) StatVersion(ctx context.Context, key string) (backend.Entry, backend.Version, error) {
	if !b.enter() {
		return backend.Entry{}, "", errClosed("stat", key)
	}
	defer b.leave()
	if err := ctx.Err(); err != nil {
		return backend.Entry{}, "", wrapErr("stat", key, err)
	}
	if b.cache.enabled() {
		c, ok := b.cache.get(key)
		switch {
		case ok && !c.stale:
			return c.entry, backend.Version(c.etag), nil
		case !ok:
			if _, err := b.objectName("stat", key); err != nil {
				return backend.Entry{}, "", err
			}
			return backend.Entry{}, "", errMissingOptimistic(key)
		}
	}
	name, err := b.objectName("stat", key)
	if err != nil {
		return backend.Entry{}, "", err
	}
	t := b.cache.ticket()
	e, etag, err := b.fetch(ctx, name, false)
	if err != nil {
		if isCode(err, backend.ErrNotFound) {
			b.cache.forgetMissing(key, t)
		}
		return backend.Entry{}, "", wrapErr("stat", key, err)
	}
	b.cache.fill(key, e, etag, t)
	return e, backend.Version(etag), nil
}

// errMissingOptimistic is what StatVersion answers for a key it has no
// version of.
func errMissingOptimistic(key string) error {
	return fmt.Errorf("s3: stat %q: %w (not in the version cache: presumed missing)", key, backend.ErrNotFound)
}

// PutIfVersion implements backend.Conditional: one PUT with If-Match: v,
// or If-None-Match: * for the zero Version. A precondition that fails, or
// an If-Match on an object that was removed meanwhile, is an error
// wrapping backend.ErrConflict; the key's next StatVersion then asks the
// server. The server must honour these headers (MinIO and AWS S3 do); see
// the package documentation, Caveats.
func (b *Backend) PutIfVersion(ctx context.Context, key string, e backend.Entry, v backend.Version) error {
	if !b.enter() {
		return errClosed("put", key)
	}
	defer b.leave()
	cond := string(v)
	_, err := b.write(ctx, "put", key, e, &cond)
	return err
}
