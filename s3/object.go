// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/backend"
)

// Get implements backend.Backend: one GET.
func (b *Backend) Get(ctx context.Context, key string) (backend.Entry, error) {
	return b.lookup(ctx, "get", key, true)
}

// Stat implements backend.Backend: one HEAD.
func (b *Backend) Stat(ctx context.Context, key string) (backend.Entry, error) {
	return b.lookup(ctx, "stat", key, false)
}

func (b *Backend) lookup(ctx context.Context, op, key string, withValue bool) (backend.Entry, error) {
	if !b.enter() {
		return backend.Entry{}, errClosed(op, key)
	}
	defer b.leave()
	name, err := b.objectName(op, key)
	if err != nil {
		return backend.Entry{}, err
	}
	// Get and Stat run outside the Store's key lock: a write of this
	// process may end while the request is in flight, and what it read
	// must not replace what the write cached (see versionCache).
	t := b.cache.ticket()
	e, etag, err := b.fetch(ctx, name, withValue)
	if b.afterFetch != nil {
		b.afterFetch(key)
	}
	if err != nil {
		if isCode(err, backend.ErrNotFound) {
			b.cache.forgetMissing(key, t)
		}
		return backend.Entry{}, wrapErr(op, key, err)
	}
	b.cache.fill(key, e, etag, t)
	return e, nil
}

// fetch reads the object name: GET with its value, HEAD without. It
// returns the entry, the object's ETag, and minio-go's error (callers wrap
// it) or a decoding error wrapping backend.ErrCorrupt.
func (b *Backend) fetch(ctx context.Context, name string, withValue bool) (backend.Entry, string, error) {
	if !withValue {
		info, err := b.client.StatObject(ctx, b.bucket, name, minio.StatObjectOptions{})
		if err != nil {
			return backend.Entry{}, "", err
		}
		m, err := decodeMeta(info.UserMetadata, info.ContentType, info.Size)
		return m.entry, trimETag(info.ETag), err
	}
	rc, info, _, err := b.core.GetObject(ctx, b.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return backend.Entry{}, "", err
	}
	defer rc.Close()
	var body []byte
	if info.Size < 0 { // no Content-Length: read first
		if body, err = readBody(rc, -1); err != nil {
			return backend.Entry{}, "", err
		}
		info.Size = int64(len(body))
	}
	// Decode the metadata before reading a body of known size, so that a
	// foreign object is refused without downloading it.
	m, err := decodeMeta(info.UserMetadata, info.ContentType, info.Size)
	if err != nil {
		return backend.Entry{}, "", err
	}
	if body == nil {
		if body, err = readBody(rc, info.Size); err != nil {
			return backend.Entry{}, "", err
		}
	}
	if !m.entry.Deleted {
		m.entry.Value = body[: len(body)-m.nonce : len(body)-m.nonce]
	}
	return m.entry, trimETag(info.ETag), nil
}

// Put implements backend.Backend: one PUT, body and metadata together.
func (b *Backend) Put(ctx context.Context, key string, e backend.Entry) error {
	if !b.enter() {
		return errClosed("put", key)
	}
	defer b.leave()
	_, err := b.write(ctx, "put", key, e, nil)
	return err
}

// write stores e under key. With cond, the write is conditional: on the
// object having ETag *cond, or on its absence when *cond is "". It keeps
// the version cache up to date and returns the new ETag.
func (b *Backend) write(ctx context.Context, op, key string, e backend.Entry, cond *string) (string, error) {
	if b.opts.ReadOnly {
		return "", errReadOnly(op, key)
	}
	name, err := b.objectName(op, key)
	if err != nil {
		return "", err
	}
	body := e.Value
	if e.Deleted {
		body = nil
	}
	nonce := 0
	if !b.opts.SingleWriter {
		body = appendNonce(body)
		nonce = nonceSize
	}
	um, contentType := encodeMeta(e, nonce, b.opts.InlineValues)
	po := minio.PutObjectOptions{UserMetadata: um, ContentType: contentType, DisableMultipart: true}
	if cond != nil {
		if *cond == "" {
			po.SetMatchETagExcept("*")
		} else {
			po.SetMatchETag(*cond)
		}
	}
	info, err := b.client.PutObject(ctx, b.bucket, name, bytes.NewReader(body), int64(len(body)), po)
	if err != nil {
		if cond != nil && *cond != "" && isCode(err, backend.ErrNotFound) {
			// If-Match on an object that is gone: it changed too.
			b.cache.markStale(key)
			return "", fmt.Errorf("s3: %s %q: %w: the object was removed: %w", op, key, backend.ErrConflict, err)
		}
		b.cache.markStale(key) // conflict, or unknown outcome
		return "", wrapErr(op, key, err)
	}
	etag := trimETag(info.ETag)
	b.cache.set(key, e, etag)
	return etag, nil
}

// appendNonce returns a copy of body followed by nonceSize random bytes.
func appendNonce(body []byte) []byte {
	out := make([]byte, len(body), len(body)+nonceSize)
	copy(out, body)
	for range nonceSize / 8 {
		v := rand.Uint64()
		out = append(out, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
	}
	return out
}

// Remove implements backend.Backend: one DELETE; a missing key is not an
// error.
func (b *Backend) Remove(ctx context.Context, key string) error {
	if !b.enter() {
		return errClosed("remove", key)
	}
	defer b.leave()
	return b.remove(ctx, key)
}

func (b *Backend) remove(ctx context.Context, key string) error {
	if b.opts.ReadOnly {
		return errReadOnly("remove", key)
	}
	name, err := b.objectName("remove", key)
	if err != nil {
		return err
	}
	err = b.client.RemoveObject(ctx, b.bucket, name, minio.RemoveObjectOptions{})
	if err != nil && !isCode(err, backend.ErrNotFound) {
		b.cache.markStale(key)
		return wrapErr("remove", key, err)
	}
	b.cache.forget(key)
	return nil
}

// readBody reads an object's body of size bytes (-1: unknown).
func readBody(r io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		body, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("reading the object: %w", err)
		}
		return body, nil
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading %d bytes: %w", size, err)
	}
	return body, nil
}

// trimETag removes the quotes that some responses keep around ETags.
func trimETag(etag string) string { return strings.Trim(etag, `"`) }
