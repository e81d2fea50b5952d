// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
)

// The read counters add up under concurrent readers: every Lookup, Get
// and Scan counts once in Gets, and the value bytes it yields in
// BytesRead, whether a scan runs to its end or is left early (a scan
// counts its bytes once, when its loop ends).
func TestStatsCountReadsUnderConcurrency(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "r/**"})
	const keys = 20
	for i := range keys {
		_, err := f.store.Put(bg, fmt.Sprintf("r/a/%02d/v", i), []byte("0123456789")[:1+i%10])
		require.NoError(t, err)
	}
	_, err := f.store.Delete(bg, "r/a/00/v") // a tombstone is not read
	require.NoError(t, err)
	total := 0 // value bytes of the live keys
	for i := 1; i < keys; i++ {
		total += 1 + i%10
	}
	const workers, rounds = 4, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				k := fmt.Sprintf("r/a/%02d/v", 1+(w+i)%(keys-1))
				if _, err := f.store.Lookup(bg, k); !assert(t, err) {
					return
				}
				for _, err := range f.store.Get(bg, "r/a/*/v") {
					if !assert(t, err) {
						return
					}
				}
				for _, err := range f.store.Get(bg, "r/a/**") {
					if !assert(t, err) {
						return
					}
					break // left early, after one key
				}
				for _, err := range f.store.Scan(bg, "r/**", &strata.ScanOptions{MetadataOnly: true}) {
					if !assert(t, err) {
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	var lookups uint64
	for w := range workers {
		for i := range rounds {
			lookups += uint64(1 + (1+(w+i)%(keys-1))%10)
		}
	}
	first := uint64(1 + 1%10) // the first live key, where the loop left
	st := f.store.Stats()
	require.Equal(t, uint64(workers*rounds*4), st.Gets)
	require.Equal(t, lookups+uint64(workers*rounds)*(uint64(total)+first), st.BytesRead)
}

func assert(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}
