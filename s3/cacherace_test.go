// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/s3"
)

// pausedReads makes the Get and Stat of one key, while armed, stop after
// their request until released: a write can then end in between.
type pausedReads struct {
	key     string
	armed   atomic.Bool
	fetched chan struct{}
	release chan struct{}
}

func pauseReads(b *s3.Backend, key string) *pausedReads {
	p := &pausedReads{key: key, fetched: make(chan struct{}), release: make(chan struct{})}
	s3.SetAfterFetch(b, func(k string) {
		if k == p.key && p.armed.CompareAndSwap(true, false) {
			close(p.fetched)
			<-p.release
		}
	})
	return p
}

// TestGetRacingWrite: a Get reads a key's old state, a write of the same
// process then replaces it (with the same bytes), and only then does the
// Get update the version cache. The cache must not go back to the old
// state: StatVersion would answer the old timestamp with an ETag that
// still matches (without nonces, identical bytes have identical ETags),
// and a sample older than the write would replace it.
func TestGetRacingWrite(t *testing.T) {
	for _, single := range []bool{true, false} {
		t.Run(fmt.Sprintf("SingleWriter=%v", single), func(t *testing.T) {
			client := newClient(t, nil)
			bucket := makeBucket(t, client, "getrace")
			b := openBackend(t, client, bucket, &s3.Options{SingleWriter: single})
			st, err := strata.Open(bg, b, &strata.Options{KeyExpr: "k/**", Logger: quiet, GCInterval: -1})
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close(bg) })
			smp := func(n uint64) strata.Sample {
				return strata.Sample{Key: "k/a", Value: []byte("same"), Encoding: "text/plain", Timestamp: ts(n), Kind: strata.KindPut}
			}
			res, err := st.Apply(bg, smp(1))
			require.NoError(t, err)
			require.Equal(t, strata.Inserted, res)

			p := pauseReads(b, "k/a")
			p.armed.Store(true)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for got, err := range st.Get(bg, "k/a") {
					if err != nil {
						t.Error(err)
						return
					}
					if got.Timestamp != ts(1) && got.Timestamp != ts(3) {
						t.Errorf("concurrent Get saw %v", got.Timestamp)
					}
				}
			}()
			<-p.fetched // the Get has read ts(1)
			res, err = st.Apply(bg, smp(3))
			require.NoError(t, err)
			require.Equal(t, strata.Replaced, res)
			close(p.release)
			wg.Wait()

			e, _, err := b.StatVersion(bg, "k/a")
			require.NoError(t, err)
			assert.Equal(t, ts(3), e.Timestamp, "the version cache went back to a state older than this process wrote")
			res, err = st.Apply(bg, smp(2))
			require.NoError(t, err)
			require.Equal(t, strata.Outdated, res, "an older sample replaced a newer one")
			got, err := b.Get(bg, "k/a")
			require.NoError(t, err)
			require.Equal(t, ts(3), got.Timestamp)
		})
	}
}

// TestGetMissingRacingCreate: a Get finds a key missing, the same process
// then creates it, and only then does the Get update the version cache:
// the cache keeps the created state (no request for the next write).
func TestGetMissingRacingCreate(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "getrace")
	b := openBackend(t, client, bucket, nil)
	p := pauseReads(b, "new")
	p.armed.Store(true)
	done := make(chan error, 1)
	go func() {
		_, err := b.Stat(bg, "new")
		done <- err
	}()
	<-p.fetched
	require.NoError(t, b.PutIfVersion(bg, "new", val("v", 1), ""))
	close(p.release)
	require.ErrorIs(t, <-done, backend.ErrNotFound)
	e, v, err := b.StatVersion(bg, "new")
	require.NoError(t, err, "the version cache forgot a key this process created")
	require.Equal(t, ts(1), e.Timestamp)
	require.NotEmpty(t, v)
}
