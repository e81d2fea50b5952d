// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"os"
)

// InCI reports whether the tests run in continuous integration: the CI
// environment variable is "true" or "1".
func InCI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}

// Missing reports that the test cannot run because what is not available.
// Under CI that is a failure (t.Fatalf, "required in CI: "+what): CI must run
// every test. Elsewhere the test is skipped.
func Missing(t T, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("required in CI: %s", what)
		return
	}
	t.Skipf("not available: %s (make test provides it)", what)
}

// T is the part of testing.TB that starting and finding servers needs. A
// *testing.T or *testing.B is one; so is the runner of cmd/withminio, which
// starts the MinIO server that `make test` shares between packages.
type T interface {
	Helper()
	Cleanup(func())
	TempDir() string
	Failed() bool
	Logf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}
