// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/backend"
)

// Conditional removes.
//
// S3 lets a DELETE carry If-Match (AWS since 2024, versitygw), but not
// every server honours it: MinIO ignores the header and deletes. A server
// that ignores it would turn RemoveIfVersion into a plain Remove, which
// can erase a value that another process wrote over a tombstone just
// before. So the Backend asks the server once, at the first
// RemoveIfVersion (or ConditionalRemoves): it writes a probe object under
// the metadata space and deletes it with an If-Match that cannot match.
// A server that answers 412 honours the header; one that deletes the probe
// does not, and RemoveIfVersion then returns an error wrapping
// errors.ErrUnsupported without removing anything.
//
// minio-go's RemoveObject sends no precondition, so the DELETE is made
// here, through the client's own HTTP client, with a URL that minio-go
// presigns with the If-Match header among the signed headers.

// presignExpiry is how long the URL of one conditional DELETE is valid.
const presignExpiry = time.Minute

// probeName is the prefix of probe objects, in the metadata space: no
// record name decodes from it, so ScanMeta and Scan never see them.
const probeName = metaSpace + "!probe-"

// condRemove is what the Backend knows of the server's conditional DELETE.
type condRemove struct {
	mu      chan struct{} // a lock that a cancelled context can give up on
	known   bool
	honours bool
}

func newCondRemove() *condRemove {
	return &condRemove{mu: make(chan struct{}, 1)}
}

var _ backend.ConditionalRemover = (*Backend)(nil)

// RemoveIfVersion implements backend.ConditionalRemover: one DELETE with
// If-Match: v (for the zero Version, which means "missing", one HEAD: a
// key that exists is a conflict). A failed precondition is an error
// wrapping backend.ErrConflict, and the key's next StatVersion asks the
// server. A key already missing is not an error.
//
// On a server that does not honour If-Match on DELETE (MinIO), it removes
// nothing and returns an error wrapping errors.ErrUnsupported; see
// ConditionalRemoves.
func (b *Backend) RemoveIfVersion(ctx context.Context, key string, v backend.Version) error {
	if !b.enter() {
		return errClosed("remove", key)
	}
	defer b.leave()
	if b.opts.ReadOnly {
		return errReadOnly("remove", key)
	}
	name, err := b.objectName("remove", key)
	if err != nil {
		return err
	}
	if v == "" {
		_, _, err := b.fetch(ctx, name, false)
		switch {
		case err == nil:
			b.cache.markStale(key)
			return fmt.Errorf("s3: remove %q: %w: the key exists", key, backend.ErrConflict)
		case isCode(err, backend.ErrNotFound):
			return nil
		}
		return wrapErr("remove", key, err)
	}
	honours, err := b.conditionalRemoves(ctx)
	if err != nil {
		return fmt.Errorf("s3: remove %q: %w", key, err)
	}
	if !honours {
		return fmt.Errorf("s3: remove %q: %w: the server does not honour If-Match on DELETE", key, errors.ErrUnsupported)
	}
	err = b.deleteIfMatch(ctx, name, string(v))
	switch {
	case err == nil, isCode(err, backend.ErrNotFound):
		b.cache.forget(key)
		return nil
	case isCode(err, backend.ErrConflict):
		b.cache.markStale(key)
	default:
		b.cache.markStale(key) // unknown outcome
	}
	return wrapErr("remove", key, err)
}

// ConditionalRemoves reports whether the server honours If-Match on
// DELETE, so that RemoveIfVersion works. The first call asks the server
// (a PUT and one or two DELETEs of a probe object; it needs write access)
// and the answer is remembered; an error is not, and the next call asks
// again. A read-only backend reports false without asking.
func (b *Backend) ConditionalRemoves(ctx context.Context) (bool, error) {
	if !b.enter() {
		return false, errClosed("probe", "")
	}
	defer b.leave()
	if b.opts.ReadOnly {
		return false, nil
	}
	return b.conditionalRemoves(ctx)
}

func (b *Backend) conditionalRemoves(ctx context.Context) (bool, error) {
	c := b.condRemove
	select {
	case c.mu <- struct{}{}:
	case <-ctx.Done():
		return false, fmt.Errorf("probing conditional deletes: %w", ctx.Err())
	}
	defer func() { <-c.mu }()
	if c.known {
		return c.honours, nil
	}
	honours, err := b.probeConditionalRemove(ctx)
	if err != nil {
		return false, fmt.Errorf("probing conditional deletes: %w", err)
	}
	c.known, c.honours = true, honours
	if !honours {
		b.log.Info("s3: the server ignores If-Match on DELETE: conditional removes are off")
	}
	return honours, nil
}

// probeConditionalRemove writes a probe object and deletes it with an
// If-Match that cannot match: a 412 says the server honours the header.
func (b *Backend) probeConditionalRemove(ctx context.Context) (bool, error) {
	var id [8]byte
	for i := range id {
		id[i] = byte(rand.Uint32())
	}
	name := b.opts.Prefix + probeName + hex.EncodeToString(id[:])
	po := minio.PutObjectOptions{DisableMultipart: true}
	info, err := b.client.PutObject(ctx, b.bucket, name, bytes.NewReader(nil), 0, po)
	if err != nil {
		return false, err
	}
	defer func() {
		// Gone already where the server ignored the precondition; a
		// failure here leaves an object that scans do not see.
		_ = b.client.RemoveObject(context.WithoutCancel(ctx), b.bucket, name, minio.RemoveObjectOptions{})
	}()
	wrong := "0" + trimETag(info.ETag)
	err = b.deleteIfMatch(ctx, name, wrong)
	switch {
	case isCode(err, backend.ErrConflict):
		return true, nil
	case err != nil:
		return false, err
	}
	// The DELETE succeeded: either the server ignored If-Match, or it
	// answered success without deleting. Only a missing probe is a clear
	// "ignored".
	if _, err := b.client.StatObject(ctx, b.bucket, name, minio.StatObjectOptions{}); isCode(err, backend.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return false, errors.New("the server kept the object and reported success")
}

// deleteIfMatch deletes object name if its ETag is etag. It returns nil,
// or an error that classify understands (a minio.ErrorResponse) or a
// transport error.
func (b *Backend) deleteIfMatch(ctx context.Context, name, etag string) error {
	h := http.Header{"If-Match": {`"` + etag + `"`}}
	u, err := b.client.PresignHeader(ctx, http.MethodDelete, b.bucket, name, presignExpiry, nil, h)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header = h
	resp, err := b.client.CredContext().Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil
	}
	return responseError(resp, b.bucket, name)
}

// responseError decodes an S3 error response (minio-go does it for its
// own requests, unexported).
func responseError(resp *http.Response, bucket, name string) error {
	er := minio.ErrorResponse{StatusCode: resp.StatusCode, BucketName: bucket, Key: name}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if len(body) == 0 || xml.Unmarshal(body, &er) != nil || er.Code == "" {
		// A HEAD-like answer without a body: name the status as S3 does.
		switch resp.StatusCode {
		case http.StatusPreconditionFailed:
			er.Code = "PreconditionFailed"
		case http.StatusNotFound:
			er.Code = "NoSuchKey"
		case http.StatusForbidden:
			er.Code = "AccessDenied"
		default:
			er.Code = resp.Status
		}
		er.Message = resp.Status
	}
	er.StatusCode = resp.StatusCode
	return er
}
