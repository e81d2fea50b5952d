// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/s3"
)

// TestConditionalTwoInstances: two backends on one bucket stand for two
// processes; each one's cache is stale about the other's writes, and the
// conditional writes notice.
func TestConditionalTwoInstances(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "cond")
	a := openBackend(t, client, bucket, nil)
	b := openBackend(t, client, bucket, nil)

	require.NoError(t, a.PutIfVersion(bg, "k", val("a1", 1), ""))
	// b has never seen k: it presumes it missing, and its create conflicts.
	_, v, err := b.StatVersion(bg, "k")
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.ErrorIs(t, b.PutIfVersion(bg, "k", val("b2", 2), v), backend.ErrConflict)
	// After the conflict b reads the stored state.
	e, v, err := b.StatVersion(bg, "k")
	require.NoError(t, err)
	require.Equal(t, ts(1), e.Timestamp)
	require.NoError(t, b.PutIfVersion(bg, "k", val("b2", 2), v))
	// a's cache still holds its own write: its next write conflicts.
	e, v, err = a.StatVersion(bg, "k")
	require.NoError(t, err)
	require.Equal(t, ts(1), e.Timestamp, "answered from the cache")
	require.ErrorIs(t, a.PutIfVersion(bg, "k", val("a3", 3), v), backend.ErrConflict)
	e, v, err = a.StatVersion(bg, "k")
	require.NoError(t, err)
	require.Equal(t, ts(2), e.Timestamp)
	require.NoError(t, a.PutIfVersion(bg, "k", val("a3", 3), v))

	// A key removed behind a's back: If-Match finds nothing, a conflict.
	_, v, err = a.StatVersion(bg, "k")
	require.NoError(t, err)
	require.NoError(t, b.Remove(bg, "k"))
	require.ErrorIs(t, a.PutIfVersion(bg, "k", val("a4", 4), v), backend.ErrConflict)
	_, _, err = a.StatVersion(bg, "k")
	require.ErrorIs(t, err, backend.ErrNotFound)
}

// TestConditionalRequests counts what the version cache saves: a Store put
// is one PUT when this process knows the key's state (or that it is new).
func TestConditionalRequests(t *testing.T) {
	cnt := newCounter(t)
	client := newClient(t, cnt)
	bucket := makeBucket(t, client, "condreq")
	b := openBackend(t, client, bucket, nil)
	other := openBackend(t, newClient(t, nil), bucket, nil)

	cnt.reset()
	require.NoError(t, b.PutIfVersion(bg, "new", val("v", 1), ""))
	e, v, err := b.StatVersion(bg, "new")
	require.NoError(t, err)
	require.Equal(t, ts(1), e.Timestamp)
	require.NoError(t, b.PutIfVersion(bg, "new", val("w", 2), v))
	require.Equal(t, int64(2), cnt.total(), "two PUTs, no HEAD: %v", cnt)

	// A key written by another process: one PUT that conflicts, one HEAD,
	// one PUT.
	require.NoError(t, other.Put(bg, "theirs", val("x", 5)))
	cnt.reset()
	_, v, err = b.StatVersion(bg, "theirs")
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.ErrorIs(t, b.PutIfVersion(bg, "theirs", val("y", 6), v), backend.ErrConflict)
	e, v, err = b.StatVersion(bg, "theirs")
	require.NoError(t, err)
	require.Equal(t, ts(5), e.Timestamp)
	require.NoError(t, b.PutIfVersion(bg, "theirs", val("y", 6), v))
	require.Equal(t, "head=1 put=2", fmt.Sprintf("head=%d put=%d", cnt.head.Load(), cnt.put.Load()))
}

// TestStoresInTwoProcesses: two Stores over two backends of one bucket
// write the same keys concurrently with interleaved clocks; the last
// writer wins on every key.
func TestStoresInTwoProcesses(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("SingleWriter=%v", single), func(t *testing.T) {
			client := newClient(t, nil)
			bucket := makeBucket(t, client, "stores")
			opts := &s3.Options{SingleWriter: single}
			stores := make([]*strata.Store, 2)
			for i := range stores {
				st, err := strata.Open(bg, openBackend(t, client, bucket, opts), &strata.Options{KeyExpr: "k/**", Logger: quiet, GCInterval: -1})
				require.NoError(t, err)
				t.Cleanup(func() { _ = st.Close(bg) })
				stores[i] = st
			}
			const keys, rounds = 5, 30
			var wg sync.WaitGroup
			for w, st := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for r := range rounds {
						// Writer w stamps odd or even times: every round the
						// two writers race with distinct timestamps.
						smp := strata.Sample{
							Key:       fmt.Sprintf("k/%d", r%keys),
							Value:     []byte(fmt.Sprintf("w%d-r%d", w, r)),
							Timestamp: hlc.Timestamp{Time: hlc.NTP64(uint64(r)*2+uint64(w)+1) << 4, ID: hlc.ID{byte(w + 1)}},
							Kind:      strata.KindPut,
						}
						if r%7 == 3 {
							smp.Kind, smp.Value = strata.KindDelete, nil
						}
						if _, err := st.Apply(bg, smp); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			// The winner of every key is the sample with the greatest
			// timestamp: writer 1 of the last round that touched it.
			check := openBackend(t, client, bucket, nil)
			for k := range keys {
				last := rounds - keys + k
				e, err := check.Get(bg, fmt.Sprintf("k/%d", k))
				require.NoError(t, err)
				require.Equal(t, hlc.NTP64(uint64(last)*2+2)<<4, e.Timestamp.Time, "key k/%d", k)
				if last%7 == 3 {
					require.True(t, e.Deleted)
				} else {
					require.Equal(t, fmt.Sprintf("w1-r%d", last), string(e.Value))
				}
			}
		})
	}
}

// TestSameBytes is the case that content-derived ETags cannot see: a
// writer rewrites the bytes that were there, with a newer timestamp. By
// default the nonce makes the ETag change, and the stale writer's
// conditional write conflicts. With SingleWriter (a promise broken here)
// the write goes through: the caveat of the package documentation.
func TestSameBytes(t *testing.T) {
	for _, shared := range []bool{true, false} {
		t.Run(fmt.Sprintf("SingleWriter=%v", !shared), func(t *testing.T) {
			client := newClient(t, nil)
			bucket := makeBucket(t, client, "aba")
			opts := &s3.Options{SingleWriter: !shared}
			a := openBackend(t, client, bucket, opts)
			b := openBackend(t, client, bucket, opts)
			for _, first := range []backend.Entry{val("x", 1), {Timestamp: ts(1), Deleted: true}} {
				key := fmt.Sprintf("k-%v", first.Deleted)
				second := first
				second.Timestamp = ts(3)
				require.NoError(t, a.PutIfVersion(bg, key, first, ""))
				_, va, err := a.StatVersion(bg, key) // a caches (first, ETag)
				require.NoError(t, err)
				require.NoError(t, b.Put(bg, key, second)) // same bytes, newer
				err = a.PutIfVersion(bg, key, val("late", 2), va)
				if shared {
					require.ErrorIs(t, err, backend.ErrConflict)
					got, err := a.Get(bg, key)
					require.NoError(t, err)
					require.Equal(t, ts(3), got.Timestamp)
					require.Equal(t, first.Deleted, got.Deleted)
					require.Equal(t, string(first.Value), string(got.Value), "the nonce is not part of the value")
				} else {
					require.NoError(t, err, "documented caveat: the ETag did not change")
				}
			}
		})
	}
}
