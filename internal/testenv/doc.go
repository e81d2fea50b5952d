// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package testenv gives tests the servers and settings of the test
// environment: whether the run is in CI, the shared S3 server that
// internal/cmd/withminio starts, private MinIO servers for tests that need
// their own (TLS, restarts), private versitygw servers (a second S3
// implementation, for cross-compatibility tests), and free loopback ports.
//
// `make test` runs every test under internal/cmd/withminio, which starts
// MinIO with this package's StartMinIO (one lifecycle for both) and exports
// STRATA_S3_ENDPOINT, STRATA_S3_ACCESS_KEY, STRATA_S3_SECRET_KEY and
// STRATA_MINIO_BIN. A plain `go test ./...` works too: tests that need what
// is missing skip, unless CI is set (see [Missing]).
//
// A test that needs the shared server:
//
//	srv := testenv.S3(t)
//	client, err := minio.New(srv.Endpoint, &minio.Options{
//		Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""),
//	})
//
// A test that needs a server of its own:
//
//	m := testenv.StartMinIO(t, nil) // stopped by t.Cleanup
//	...
//	m.Restart(t) // same address, same data, same credentials
//
// # Errors
//
// Functions take a [testing.TB] (or, for those a program also uses, the
// smaller [T]) and report problems through it (t.Fatalf or, through
// [Missing], t.Skipf); they return no errors.
//
// # Concurrency
//
// All functions are safe for concurrent use by parallel tests. A [MinIO]'s
// methods may be called from several goroutines, but Stop and Restart of one
// server should not race with each other.
//
// # Caveats
//
// Only loopback addresses are used. A port returned by [FreePort] is free when
// returned, not reserved: another process may take it before it is bound.
// [StartMinIO] retries on a new port when that happens, unless the caller chose
// the address.
package testenv
