// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"os"
	"testing"
)

// Environment variables that describe the shared S3 server; set by
// internal/cmd/withminio (make test).
const (
	EnvS3Endpoint  = "STRATA_S3_ENDPOINT"   // host:port, plain http
	EnvS3AccessKey = "STRATA_S3_ACCESS_KEY" // access key
	EnvS3SecretKey = "STRATA_S3_SECRET_KEY" // secret key
	EnvMinIOBin    = "STRATA_MINIO_BIN"     // path of the MinIO binary
)

// S3Server is an S3-compatible server that a test may use.
type S3Server struct {
	Endpoint  string // host:port, plain http (no scheme)
	AccessKey string
	SecretKey string
}

// S3 returns the shared S3 server described by the STRATA_S3_* environment
// variables, or calls [Missing] when they are not set.
//
// The server is shared by every test of the run (and by every package, which
// go test may run in parallel): use bucket names unique to the test, and
// remove what the test creates.
func S3(t testing.TB) S3Server {
	t.Helper()
	srv := S3Server{
		Endpoint:  os.Getenv(EnvS3Endpoint),
		AccessKey: os.Getenv(EnvS3AccessKey),
		SecretKey: os.Getenv(EnvS3SecretKey),
	}
	if srv.Endpoint == "" || srv.AccessKey == "" || srv.SecretKey == "" {
		Missing(t, "an S3 server ("+EnvS3Endpoint+", "+EnvS3AccessKey+", "+EnvS3SecretKey+
			"; run the tests under internal/cmd/withminio, as make test does)")
	}
	return srv
}
