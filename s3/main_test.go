// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs the tests and benchmarks, then prints how this backend
// under a Store compares with minio-go used directly, when BenchmarkS3 ran.
func TestMain(m *testing.M) {
	code := m.Run()
	removeBenchEnv()
	printRatios()
	os.Exit(code)
}

func printRatios() {
	ns := func(name string) (float64, bool) {
		v, ok := nsPerOp.Load(name)
		if !ok {
			return 0, false
		}
		return v.(float64), true
	}
	for _, r := range []struct {
		what, fast, slow string
		target           float64
	}{
		{"put throughput, store/raw (alternated)", "Put/pair/store", "Put/pair/raw", 0.8},
		{"get throughput, store/raw (alternated)", "Get/pair/store", "Get/pair/raw", 0.95},
		{"put throughput, store/raw (separate runs)", "Put/store", "Put/raw", 0.8},
		{"get throughput, store/raw (separate runs)", "Get/store", "Get/raw", 0.8},
		{"wildcard get of 1,000, store vs one by one (side by side)", "WildcardGet1000/side/store", "WildcardGet1000/side/one-by-one", 4},
		{"wildcard get of 1,000, store vs list + 16 GET workers (side by side)", "WildcardGet1000/side/store", "WildcardGet1000/side/raw16", 0.9},
		{"wildcard get of 1,000, store vs one by one", "WildcardGet1000/store", "WildcardGet1000/raw-one-by-one", 4},
		{"wildcard get of 1,000, store with InlineValues -1 vs one by one", "WildcardGet1000/store-plain", "WildcardGet1000/raw-one-by-one", 4},
		{"put, nonce vs exact bodies (alternated)", "Put/nonce-pair/store", "Put/nonce-pair/raw", 0.9},
		{"get, nonce vs exact bodies (alternated)", "Get/nonce-pair/store", "Get/nonce-pair/raw", 0.9},
		{"metadata-only scan of 10,000, list-with-metadata vs HEADs", "ListKeysOnly10000/backend", "ListKeysOnly10000/backend-heads", 1},
	} {
		f, ok1 := ns(r.fast)
		s, ok2 := ns(r.slow)
		if !ok1 || !ok2 {
			continue
		}
		verdict := "meets"
		if s/f < r.target {
			verdict = "MISSES"
		}
		fmt.Printf("s3 ratio: %s = %.2fx (%s the target %.2fx)\n", r.what, s/f, verdict, r.target)
	}
}
