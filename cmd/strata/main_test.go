// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

// strataBin is the command, built once by TestMain.
var strataBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "strata-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	strataBin = filepath.Join(dir, "strata")
	build := exec.Command("go", "build", "-o", strataBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building strata:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var bg = context.Background()

// result is what one run of the command did.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// runner runs the built command with an environment of its own (the S3
// credentials of the test server, when it has one).
type runner struct {
	t   testing.TB
	env []string
}

func newRunner(t testing.TB) *runner {
	return &runner{t: t, env: os.Environ()}
}

// withS3 gives the command the credentials of srv, and no other AWS_
// setting of the test's environment (AWS_CA_BUNDLE is refused with a
// plain-http endpoint).
func (r *runner) withS3(srv testenv.S3Server) *runner {
	r.env = append(withoutAWS(r.env), "AWS_ACCESS_KEY_ID="+srv.AccessKey, "AWS_SECRET_ACCESS_KEY="+srv.SecretKey)
	return r
}

// withoutAWS returns env without its AWS_ variables.
func withoutAWS(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}

// run runs strata with args and stdin, and returns what it did.
func (r *runner) run(stdin string, args ...string) result {
	r.t.Helper()
	cmd := exec.Command(strataBin, args...)
	cmd.Env = r.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		r.t.Fatalf("running strata %q: %v", args, err)
	}
	return res
}

// ok runs strata and fails the test unless it exits 0.
func (r *runner) ok(args ...string) result {
	r.t.Helper()
	res := r.run("", args...)
	if res.code != 0 {
		r.t.Fatalf("strata %q: %v", args, res)
	}
	return res
}

// fails runs strata and fails the test unless it exits with code and
// its standard error holds every one of want.
func (r *runner) fails(code int, want []string, args ...string) result {
	r.t.Helper()
	res := r.run("", args...)
	if res.code != code {
		r.t.Fatalf("strata %q: want exit %d, got %v", args, code, res)
	}
	for _, w := range want {
		if !strings.Contains(res.stderr, w) {
			r.t.Errorf("strata %q: stderr lacks %q:\n%s", args, w, res.stderr)
		}
	}
	return res
}

// rocksURL returns the URL of a new RocksDB directory under t's temporary
// directory (without ?create=true).
func rocksURL(t testing.TB, name string) string {
	return "rocksdb://" + filepath.Join(t.TempDir(), name)
}

// s3Store is a bucket of the shared test server for one test.
type s3Store struct {
	srv    testenv.S3Server
	bucket string
}

// newS3Store names a bucket that t's cleanup empties and removes; the
// command creates it (create=true).
func newS3Store(t testing.TB) s3Store {
	t.Helper()
	srv := testenv.S3(t)
	client, err := s3.NewClient(s3.ClientConfig{Endpoint: "http://" + srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	bucket := fmt.Sprintf("strata-cmd-%016x", rand.Uint64())
	t.Cleanup(func() {
		objs := client.ListObjects(bg, bucket, minio.ListObjectsOptions{Recursive: true})
		for e := range client.RemoveObjects(bg, bucket, objs, minio.RemoveObjectsOptions{}) {
			if e.Err != nil && minio.ToErrorResponse(e.Err).Code != "NoSuchBucket" {
				t.Errorf("cleaning bucket %s: %v", bucket, e.Err)
			}
		}
		if err := client.RemoveBucket(bg, bucket); err != nil && minio.ToErrorResponse(err).Code != "NoSuchBucket" {
			t.Errorf("removing bucket %s: %v", bucket, err)
		}
	})
	return s3Store{srv: srv, bucket: bucket}
}

// url returns the URL of prefix in the bucket, with extra parameters.
func (s s3Store) url(prefix string, params ...string) string {
	q := url.Values{"endpoint": {s.srv.Endpoint}, "secure": {"false"}}
	for _, p := range params {
		k, v, _ := strings.Cut(p, "=")
		q.Set(k, v)
	}
	return "s3://" + s.bucket + "/" + prefix + "?" + q.Encode()
}

// withParam adds a query parameter to a store URL.
func withParam(u, p string) string {
	if strings.Contains(u, "?") {
		return u + "&" + p
	}
	return u + "?" + p
}
