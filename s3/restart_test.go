// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

// TestRestartDuringWrites restarts a private MinIO in the middle of write
// loops: every write either returned an error or is there afterwards.
func TestRestartDuringWrites(t *testing.T) {
	m := testenv.StartMinIO(t, nil)
	// A client that retries (minio-go's default) while the server finishes
	// starting, for setup and checks; one that does not for the writes, so
	// that failures show instead of riding out the restart.
	patient, err := s3.NewClient(s3.ClientConfig{Endpoint: m.URL(), AccessKey: m.AccessKey, SecretKey: m.SecretKey})
	require.NoError(t, err)
	openBackend(t, patient, "restart", &s3.Options{CreateBucket: true})
	client, err := s3.NewClient(s3.ClientConfig{Endpoint: m.URL(), AccessKey: m.AccessKey, SecretKey: m.SecretKey, MaxRetries: 1})
	require.NoError(t, err)
	b, err := s3.Open(bg, client, "restart", &s3.Options{Logger: quiet})
	require.NoError(t, err)
	store, err := strata.Open(bg, b, &strata.Options{KeyExpr: "w/**", Logger: quiet, GCInterval: -1})
	require.NoError(t, err)

	const writers = 4
	var (
		restarted atomic.Bool
		afterOK   atomic.Int64
		wg        sync.WaitGroup
		mu        sync.Mutex
		acked     = map[string]int{} // key -> index of its last acknowledged write
		failed    int
	)
	deadline := time.Now().Add(60 * time.Second)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				if restarted.Load() && afterOK.Load() >= 40 {
					return
				}
				key := fmt.Sprintf("w/%d/%d", w, i%50) // overwrites too
				value := fmt.Sprintf("%d-%d", w, i)
				_, err := store.Put(bg, key, []byte(value))
				mu.Lock()
				if err == nil {
					acked[key] = i
				} else {
					failed++
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(20 * time.Millisecond)
				} else if restarted.Load() {
					afterOK.Add(1)
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	m.Restart(t)
	restarted.Store(true)
	wg.Wait()
	require.NoError(t, store.Close(bg))
	require.NoError(t, b.Close(bg))
	require.GreaterOrEqual(t, afterOK.Load(), int64(40), "writes resumed after the restart")
	t.Logf("%d keys acknowledged, %d writes failed", len(acked), failed)

	check := openBackend(t, patient, "restart", nil)
	for key, i := range acked {
		e, err := check.Get(bg, key)
		require.NoError(t, err, "acknowledged key %q", key)
		// The last acknowledged value, or that of a later write that
		// returned an error but reached the server.
		var w, stored int
		_, err = fmt.Sscanf(string(e.Value), "%d-%d", &w, &stored)
		require.NoError(t, err)
		require.GreaterOrEqual(t, stored, i, "key %q lost its acknowledged write %d", key, i)
	}
}
