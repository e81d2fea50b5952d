// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package testenv_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stratakv/strata/internal/testenv"
)

func TestInCI(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"true", true},
		{"1", true},
		{"", false},
		{"false", false},
		{"0", false},
		{"yes", false},
	} {
		t.Setenv("CI", tc.value)
		if got := testenv.InCI(); got != tc.want {
			t.Errorf("CI=%q: InCI() = %v, want %v", tc.value, got, tc.want)
		}
	}
}

// recorder is a testing.TB that records Fatalf and Skipf instead of ending
// the test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
}
func (r *recorder) Skipf(format string, args ...any) {
	r.skip = fmt.Sprintf(format, args...)
}

func TestMissing(t *testing.T) {
	t.Setenv("CI", "true")
	r := &recorder{TB: t}
	testenv.Missing(r, "a thing")
	if r.fatal != "required in CI: a thing" || r.skip != "" {
		t.Errorf("under CI: fatal %q, skip %q; want a failure", r.fatal, r.skip)
	}

	t.Setenv("CI", "")
	r = &recorder{TB: t}
	testenv.Missing(r, "a thing")
	if r.fatal != "" || !strings.Contains(r.skip, "a thing") {
		t.Errorf("outside CI: fatal %q, skip %q; want a skip naming the thing", r.fatal, r.skip)
	}
}

func TestS3Unset(t *testing.T) {
	t.Setenv("CI", "true")
	t.Setenv(testenv.EnvS3Endpoint, "")
	r := &recorder{TB: t}
	testenv.S3(r)
	if !strings.HasPrefix(r.fatal, "required in CI: ") {
		t.Errorf("S3 without its variables under CI: fatal %q, want a failure", r.fatal)
	}
}

func TestFreePort(t *testing.T) {
	seen := map[int]bool{}
	for range 20 {
		port := testenv.FreePort(t)
		if port <= 0 || port > 65535 {
			t.Fatalf("FreePort() = %d", port)
		}
		if seen[port] {
			t.Fatalf("FreePort() returned %d twice", port)
		}
		seen[port] = true
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			t.Fatalf("listen on FreePort() = %d: %v", port, err)
		}
		l.Close()
	}
}

// TestS3 uses the shared server of internal/cmd/withminio: its credentials
// must allow creating and removing a bucket.
func TestS3(t *testing.T) {
	srv := testenv.S3(t)
	if strings.Contains(srv.Endpoint, "://") {
		t.Fatalf("Endpoint %q has a scheme", srv.Endpoint)
	}
	base := "http://" + srv.Endpoint
	bucket := "testenv-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	mustStatus(t, s3Do(t, plain, "PUT", base, bucket, srv.AccessKey, srv.SecretKey), 200)
	mustStatus(t, s3Do(t, plain, "HEAD", base, bucket, srv.AccessKey, srv.SecretKey), 200)
	mustStatus(t, s3Do(t, plain, "DELETE", base, bucket, srv.AccessKey, srv.SecretKey), 204)
}

func TestMinIOStartRestartStop(t *testing.T) {
	t.Parallel()
	m := testenv.StartMinIO(t, nil)
	if m.TLS || m.AccessKey == "" || m.SecretKey == "" || m.Dir == "" {
		t.Fatalf("StartMinIO() = %+v", m)
	}
	if host, _, err := net.SplitHostPort(m.Endpoint); err != nil || host != "127.0.0.1" {
		t.Fatalf("Endpoint = %q, want 127.0.0.1:port", m.Endpoint)
	}
	if want := "http://" + m.Endpoint; m.URL() != want {
		t.Errorf("URL() = %q, want %q", m.URL(), want)
	}
	mustStatus(t, get(t, plain, m.URL()+"/minio/health/ready"), 200)
	// Credentials work, and the bucket outlives a restart.
	mustStatus(t, s3Do(t, plain, "PUT", m.URL(), "kept", m.AccessKey, m.SecretKey), 200)
	if _, err := os.Stat(filepath.Join(m.Dir, "kept")); err != nil {
		t.Errorf("bucket not in data dir: %v", err)
	}

	endpoint := m.Endpoint
	m.Restart(t)
	if m.Endpoint != endpoint {
		t.Errorf("Endpoint after Restart = %q, want %q", m.Endpoint, endpoint)
	}
	mustStatus(t, get(t, plain, m.URL()+"/minio/health/ready"), 200)
	mustStatus(t, s3Do(t, plain, "HEAD", m.URL(), "kept", m.AccessKey, m.SecretKey), 200)

	m.Stop(t)
	if resp, err := plain.Get(m.URL() + "/minio/health/ready"); err == nil {
		resp.Body.Close()
		t.Errorf("server answers after Stop: %s", resp.Status)
	}
	m.Stop(t) // idempotent

	// A stopped server can be started again.
	m.Restart(t)
	mustStatus(t, s3Do(t, plain, "HEAD", m.URL(), "kept", m.AccessKey, m.SecretKey), 200)
}

func TestMinIOAddress(t *testing.T) {
	t.Parallel()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(testenv.FreePort(t)))
	m := testenv.StartMinIO(t, &testenv.MinIOOptions{Address: addr, Dir: t.TempDir()})
	if m.Endpoint != addr {
		t.Fatalf("Endpoint = %q, want %q", m.Endpoint, addr)
	}
	mustStatus(t, get(t, plain, m.URL()+"/minio/health/ready"), 200)
}

func TestMinIOTLS(t *testing.T) {
	t.Parallel()
	certs := t.TempDir()
	caPEM := testenv.WriteTLSCert(t, certs)
	m := testenv.StartMinIO(t, &testenv.MinIOOptions{CertsDir: certs})
	if !m.TLS {
		t.Fatalf("TLS = false with a certificate in CertsDir")
	}
	if !strings.HasPrefix(m.URL(), "https://") {
		t.Fatalf("URL() = %q, want https", m.URL())
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("WriteTLSCert returned no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	mustStatus(t, get(t, client, m.URL()+"/minio/health/ready"), 200)
	mustStatus(t, s3Do(t, client, "PUT", m.URL(), "secure", m.AccessKey, m.SecretKey), 200)

	m.Restart(t)
	mustStatus(t, s3Do(t, client, "HEAD", m.URL(), "secure", m.AccessKey, m.SecretKey), 200)
}

func get(t *testing.T, client *http.Client, url string) *http.Response {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp
}

func mustStatus(t *testing.T, resp *http.Response, want int) {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %s, want %d", resp.Request.Method, resp.Request.URL, resp.Status, want)
	}
}

// s3Do sends a bucket-level request (empty body) signed with AWS Signature
// Version 4, which is all these tests need of S3.
func s3Do(t *testing.T, client *http.Client, method, base, bucket, accessKey, secretKey string) *http.Response {
	t.Helper()
	const region = "us-east-1"
	req, err := http.NewRequest(method, base+"/"+bucket, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	amzDate := now.Format("20060102T150405Z")
	day := amzDate[:8]
	emptyHash := hex.EncodeToString(sha256Sum(nil))
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("X-Amz-Content-Sha256", emptyHash)

	const signedHeaders = "host;x-amz-content-sha256;x-amz-date"
	canonical := strings.Join([]string{
		method,
		"/" + bucket,
		"", // query
		"host:" + req.URL.Host,
		"x-amz-content-sha256:" + emptyHash,
		"x-amz-date:" + amzDate,
		"",
		signedHeaders,
		emptyHash,
	}, "\n")
	scope := day + "/" + region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sha256Sum([]byte(canonical)))
	key := hmacSum([]byte("AWS4"+secretKey), day)
	key = hmacSum(key, region)
	key = hmacSum(key, "s3")
	key = hmacSum(key, "aws4_request")
	signature := hex.EncodeToString(hmacSum(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/"+scope+
		", SignedHeaders="+signedHeaders+", Signature="+signature)

	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, req.URL, err)
	}
	return resp
}

func sha256Sum(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}

func hmacSum(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// plain is an http client without connection reuse: servers restart under it.
var plain = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func TestVersityGWBinaryMissing(t *testing.T) {
	t.Setenv("CI", "true")
	t.Setenv(testenv.EnvVersityGWBin, filepath.Join(t.TempDir(), "no-such-versitygw"))
	r := &recorder{TB: t}
	if got := testenv.VersityGWBinary(r); got != "" || !strings.HasPrefix(r.fatal, "required in CI: ") {
		t.Errorf("VersityGWBinary with a missing binary under CI = %q, fatal %q; want a failure", got, r.fatal)
	}
}

func TestVersityGW(t *testing.T) {
	t.Parallel()
	g := testenv.StartVersityGW(t)
	if g.AccessKey == "" || g.SecretKey == "" || g.Dir == "" {
		t.Fatalf("StartVersityGW() = %+v", g)
	}
	if host, _, err := net.SplitHostPort(g.Endpoint); err != nil || host != "127.0.0.1" {
		t.Fatalf("Endpoint = %q, want 127.0.0.1:port", g.Endpoint)
	}
	base := "http://" + g.Endpoint
	mustStatus(t, s3Do(t, plain, "PUT", base, "kept", g.AccessKey, g.SecretKey), 200)
	if fi, err := os.Stat(filepath.Join(g.Dir, "kept")); err != nil || !fi.IsDir() {
		t.Errorf("bucket not a directory of the posix backend's: %v", err)
	}
	mustStatus(t, s3Do(t, plain, "HEAD", base, "kept", g.AccessKey, g.SecretKey), 200)
	mustStatus(t, s3Do(t, plain, "DELETE", base, "kept", g.AccessKey, g.SecretKey), 204)
}
