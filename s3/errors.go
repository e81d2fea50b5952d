// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"errors"
	"fmt"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/backend"
)

// Errors of this package, besides the sentinels of package backend. Test
// them with errors.Is.
var (
	// ErrNoBucket: the bucket does not exist (any more). Open wraps it
	// together with backend.ErrNotFound; other operations return it alone,
	// so that a vanished bucket is not mistaken for a missing key.
	ErrNoBucket = errors.New("s3: no such bucket")
	// ErrAccessDenied: the server refused the request for the client's
	// credentials (access denied, unknown access key, bad signature).
	ErrAccessDenied = errors.New("s3: access denied")
	// ErrInvalidBucketName: the bucket name is not one S3 accepts.
	ErrInvalidBucketName = errors.New("s3: invalid bucket name")
)

// Outcomes of bucket operations that Open and Close act upon.
var (
	errBucketOwned    = errors.New("the bucket exists and the client's account owns it")
	errBucketTaken    = errors.New("the bucket exists and belongs to another account")
	errBucketNotEmpty = errors.New("the bucket is not empty")
)

// classify maps an error returned by minio-go onto the sentinel error it
// stands for, by its S3 error code and never by its message; it returns
// nil when no sentinel applies (network errors, server errors, context
// errors, which callers test with errors.Is on the error itself).
//
// This is the only place where S3 error codes are interpreted.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var resp minio.ErrorResponse
	if !errors.As(err, &resp) {
		return nil
	}
	switch resp.Code {
	case "NoSuchKey", "NotFound":
		return backend.ErrNotFound
	case "NoSuchBucket":
		return ErrNoBucket
	case "PreconditionFailed", "ConditionalRequestConflict":
		return backend.ErrConflict
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
		"InvalidToken", "AllAccessDisabled", "AccountProblem":
		return ErrAccessDenied
	case "InvalidBucketName":
		return ErrInvalidBucketName
	case "BucketAlreadyOwnedByYou":
		return errBucketOwned
	case "BucketAlreadyExists":
		return errBucketTaken
	case "BucketNotEmpty":
		return errBucketNotEmpty
	case "KeyTooLongError", "InvalidObjectName", "XMinioInvalidObjectName",
		"XMinioInvalidResourceName", "XMinioParentIsObject":
		return backend.ErrInvalidKey
	}
	return nil
}

// wrapErr returns err for operation op on key (or metadata record, or
// object), prefixed with the package name, wrapping the sentinel that
// classify finds as well as err itself.
func wrapErr(op, key string, err error) error {
	if s := classify(err); s != nil {
		return fmt.Errorf("s3: %s %q: %w: %w", op, key, s, err)
	}
	return fmt.Errorf("s3: %s %q: %w", op, key, err)
}

// isCode reports whether err classifies as the sentinel s.
func isCode(err, s error) bool { return classify(err) == s }

func errClosed(op, key string) error {
	return fmt.Errorf("s3: %s %q: %w", op, key, backend.ErrClosed)
}

func errReadOnly(op, key string) error {
	return fmt.Errorf("s3: %s %q: %w", op, key, backend.ErrReadOnly)
}
