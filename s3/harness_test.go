// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/backendtest"
	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

var bg = context.Background()

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// counter is an http.RoundTripper that counts the S3 requests it carries,
// by kind.
type counter struct {
	base                         http.RoundTripper
	list, get, head, put, delete atomic.Int64
	other                        atomic.Int64
}

func newCounter(t testing.TB) *counter {
	tr, err := minio.DefaultTransport(false)
	if err != nil {
		t.Fatal(err)
	}
	tr.MaxIdleConnsPerHost = 256
	return &counter{base: tr}
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && q.Has("list-type"):
		c.list.Add(1)
	case r.Method == http.MethodGet && q.Has("location"):
		c.other.Add(1)
	case r.Method == http.MethodGet:
		c.get.Add(1)
	case r.Method == http.MethodHead:
		c.head.Add(1)
	case r.Method == http.MethodPut:
		c.put.Add(1)
	case r.Method == http.MethodDelete:
		c.delete.Add(1)
	default:
		c.other.Add(1)
	}
	return c.base.RoundTrip(r)
}

func (c *counter) total() int64 {
	return c.list.Load() + c.get.Load() + c.head.Load() + c.put.Load() + c.delete.Load() + c.other.Load()
}

func (c *counter) reset() {
	for _, v := range []*atomic.Int64{&c.list, &c.get, &c.head, &c.put, &c.delete, &c.other} {
		v.Store(0)
	}
}

func (c *counter) String() string {
	return fmt.Sprintf("list=%d get=%d head=%d put=%d delete=%d other=%d",
		c.list.Load(), c.get.Load(), c.head.Load(), c.put.Load(), c.delete.Load(), c.other.Load())
}

// newClient returns a client of the shared test server (see testenv.S3)
// whose requests go through tr (nil: minio-go's default transport).
func newClient(t testing.TB, tr http.RoundTripper) *minio.Client {
	t.Helper()
	srv := testenv.S3(t)
	client, err := s3.NewClient(s3.ClientConfig{
		Endpoint:  "http://" + srv.Endpoint,
		AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey,
		Transport: tr,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// uniqueBucket returns a bucket name no other test uses.
func uniqueBucket(what string) string {
	return fmt.Sprintf("strata-%s-%016x", what, rand.Uint64())
}

// makeBucket creates a bucket that t's cleanup empties and removes.
func makeBucket(t testing.TB, client *minio.Client, what string) string {
	t.Helper()
	bucket := uniqueBucket(what)
	if err := client.MakeBucket(bg, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeObjects(t, client, bucket, ""); removeBucket(t, client, bucket) })
	return bucket
}

// removeObjects removes every object under prefix.
func removeObjects(t testing.TB, client *minio.Client, bucket, prefix string) {
	objs := client.ListObjects(bg, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true})
	for e := range client.RemoveObjects(bg, bucket, objs, minio.RemoveObjectsOptions{}) {
		if e.Err != nil && minio.ToErrorResponse(e.Err).Code != "NoSuchBucket" {
			t.Errorf("cleaning bucket %s: %v", bucket, e.Err)
		}
	}
}

func removeBucket(t testing.TB, client *minio.Client, bucket string) {
	if err := client.RemoveBucket(bg, bucket); err != nil && minio.ToErrorResponse(err).Code != "NoSuchBucket" {
		t.Errorf("removing bucket %s: %v", bucket, err)
	}
}

// harness implements backendtest.Harness on the shared server: each
// harness has a bucket of its own (bucket mode) or a prefix of its own in
// a bucket shared by the test (prefix mode).
type harness struct {
	client *minio.Client
	bucket string
	opts   s3.Options
	own    bool // the harness owns the bucket: Close removes it
	tweak  func(*s3.Backend)
}

func (h *harness) Open(ctx context.Context) (backend.Backend, error) {
	b, err := s3.Open(ctx, h.client, h.bucket, &h.opts)
	if err != nil {
		return nil, err
	}
	if h.tweak != nil {
		h.tweak(b)
	}
	return b, nil
}

func (h *harness) Durable() bool { return true }

func (h *harness) Close() {
	t := nopTB{}
	removeObjects(t, h.client, h.bucket, h.opts.Prefix)
	if h.own {
		removeBucket(t, h.client, h.bucket)
	}
}

// nopTB lets cleanup helpers run where no testing.TB is at hand.
type nopTB struct{ testing.TB }

func (nopTB) Errorf(string, ...any) {}

// bucketHarness makes harnesses with a fresh bucket each, created by the
// backend's Options.CreateBucket.
func bucketHarness(client *minio.Client, opts s3.Options, tweak func(*s3.Backend)) backendtest.HarnessMaker {
	return func(ctx context.Context, t testing.TB) (backendtest.Harness, error) {
		o := opts
		o.CreateBucket = true
		if o.Logger == nil {
			o.Logger = quiet
		}
		return &harness{client: client, bucket: uniqueBucket("h"), opts: o, own: true, tweak: tweak}, nil
	}
}

// prefixHarness makes harnesses with a fresh prefix each in bucket.
func prefixHarness(client *minio.Client, bucket string, opts s3.Options) backendtest.HarnessMaker {
	var n atomic.Int64
	return func(ctx context.Context, t testing.TB) (backendtest.Harness, error) {
		o := opts
		o.Prefix = fmt.Sprintf("tenants/t %d/", n.Add(1))
		if o.Logger == nil {
			o.Logger = quiet
		}
		return &harness{client: client, bucket: bucket, opts: o}, nil
	}
}

// openBackend opens a backend on bucket, closed at cleanup.
func openBackend(t testing.TB, client *minio.Client, bucket string, opts *s3.Options) *s3.Backend {
	t.Helper()
	o := s3.Options{Logger: quiet}
	if opts != nil {
		o = *opts
		if o.Logger == nil {
			o.Logger = quiet
		}
	}
	b, err := s3.Open(bg, client, bucket, &o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(bg) })
	return b
}

// listNames returns the object names in bucket.
func listNames(t testing.TB, client *minio.Client, bucket, prefix string) []string {
	t.Helper()
	var names []string
	for obj := range client.ListObjects(bg, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		names = append(names, obj.Key)
	}
	return names
}
