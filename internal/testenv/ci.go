package testenv

import (
	"os"
	"testing"
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
func Missing(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("required in CI: %s", what)
		return
	}
	t.Skipf("not available: %s (make test provides it)", what)
}
