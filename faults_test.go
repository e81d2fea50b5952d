// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
)

var errInjected = errors.New("injected backend failure")

// faulty is a backend that survives Close (like keepOpen) and fails on
// demand: failScanAfter > 0 makes a scan fail after yielding that many
// items; cancelAfter cancels the given context instead.
type faulty struct {
	backend.Backend
	mu            sync.Mutex
	failScanAfter int
	cancelAfter   int
	cancel        context.CancelFunc
}

func (f *faulty) Close(context.Context) error { return nil }

func (f *faulty) Scan(ctx context.Context, prefix string, opts *backend.ScanOptions) iter.Seq2[backend.Item, error] {
	f.mu.Lock()
	failAfter, cancelAfter, cancel := f.failScanAfter, f.cancelAfter, f.cancel
	f.mu.Unlock()
	return func(yield func(backend.Item, error) bool) {
		n := 0
		for it, err := range f.Backend.Scan(ctx, prefix, opts) {
			if err != nil {
				yield(it, err)
				return
			}
			if failAfter > 0 && n == failAfter {
				yield(backend.Item{}, errInjected)
				return
			}
			if cancelAfter > 0 && n == cancelAfter {
				cancel()
			}
			if !yield(it, nil) {
				return
			}
			n++
		}
	}
}

func (f *faulty) heal() {
	f.mu.Lock()
	f.failScanAfter, f.cancelAfter = 0, 0
	f.mu.Unlock()
}

// liveUnder counts the backend entries under prefix that hold a value.
func liveUnder(t *testing.T, b backend.Backend, prefix string) int {
	t.Helper()
	n := 0
	for it, err := range b.Scan(bg, prefix, &backend.ScanOptions{KeysOnly: true}) {
		require.NoError(t, err)
		if !it.Entry.Deleted {
			n++
		}
	}
	return n
}

const manyKeys = 1000 // more than a few tombstone pages

func fillKeys(t *testing.T, s *strata.Store, prefix string, n int) {
	t.Helper()
	for i := range n {
		_, err := s.Put(bg, fmt.Sprintf("%s/%04d", prefix, i), []byte("old"))
		require.NoError(t, err)
	}
}

// A wildcard delete whose tombstones stop partway (backend error,
// cancelled context) must never let the old values come back: not while it
// is remembered, not after garbage collection forgets it.
func TestInterruptedWildcardDeleteNeverResurrects(t *testing.T) {
	for _, how := range []string{"backend error", "cancelled context"} {
		t.Run(how, func(t *testing.T) {
			ft := newFakeTime()
			fb := &faulty{Backend: memory.New()}
			opts := strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1, TombstoneLifespan: time.Hour}
			s, err := strata.Open(bg, fb, &opts)
			require.NoError(t, err)
			fillKeys(t, s, "a", manyKeys)

			ctx, cancel := context.WithCancel(bg)
			defer cancel()
			fb.mu.Lock()
			if how == "backend error" {
				fb.failScanAfter = 300
			} else {
				fb.cancelAfter, fb.cancel = 300, cancel
			}
			fb.mu.Unlock()
			_, err = s.Delete(ctx, "a/**")
			require.Error(t, err, "the delete was interrupted")
			fb.heal()
			require.Positive(t, liveUnder(t, fb, ""), "the test must interrupt the tombstones")
			require.Empty(t, (&fixture{t: t, store: s}).keys("a/**"), "readers never see deleted values")

			ft.Advance(2 * time.Hour)
			res, err := s.CollectGarbage(bg)
			require.NoError(t, err)
			require.Equal(t, 1, res.Wildcards)
			require.Empty(t, (&fixture{t: t, store: s}).keys("a/**"), "nothing comes back after GC")
			require.Zero(t, liveUnder(t, fb, ""), "the interrupted delete was finished before it was forgotten")
			require.Empty(t, s.WildcardDeletes())
			require.NoError(t, s.Close(bg))
		})
	}
}

// A retry of an interrupted wildcard delete (a peer sending the sample
// again) finishes it, and so does reopening the store.
func TestInterruptedWildcardDeleteIsFinishedByRetryAndOpen(t *testing.T) {
	for _, how := range []string{"retry", "reopen"} {
		t.Run(how, func(t *testing.T) {
			ft := newFakeTime()
			fb := &faulty{Backend: memory.New()}
			opts := strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1}
			s, err := strata.Open(bg, fb, &opts)
			require.NoError(t, err)
			fillKeys(t, s, "a", manyKeys)
			fb.mu.Lock()
			fb.failScanAfter = 500
			fb.mu.Unlock()
			ft.Advance(time.Second)
			wd := del("a/**", newClock(ft, 2).Now())
			_, err = s.Apply(bg, wd)
			require.ErrorIs(t, err, errInjected)
			fb.heal()
			require.Positive(t, liveUnder(t, fb, ""))

			if how == "retry" {
				r, err := s.Apply(bg, wd)
				require.NoError(t, err)
				require.Equal(t, strata.Outdated, r, "the same sample again changes nothing new")
			} else {
				require.NoError(t, s.Close(bg))
				s, err = strata.Open(bg, fb, &opts)
				require.NoError(t, err)
			}
			require.Zero(t, liveUnder(t, fb, ""), "every tombstone written")
			require.NoError(t, s.Close(bg))
		})
	}
}

// One record per remembered delete, and a bound on their number.
func TestWildcardDeletesAreBoundedAndIncremental(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "a/**", MaxWildcardDeletes: 5})
	for i := range 5 {
		_, err := f.store.Delete(bg, fmt.Sprintf("a/%d/**", i))
		require.NoError(t, err)
	}
	_, err := f.store.Delete(bg, "a/9/**")
	require.ErrorIs(t, err, strata.ErrWildcardLimit)
	require.ErrorContains(t, err, "MaxWildcardDeletes")
	// The same expression again is not a new one.
	_, err = f.store.Delete(bg, "a/3/**")
	require.NoError(t, err)
	require.Len(t, f.store.WildcardDeletes(), 5)

	// A batch refuses only the sample over the limit.
	res, err := f.store.ApplyBatch(bg, []strata.Sample{
		del("a/8/**", f.clock.Now()), put("a/x", "v", f.clock.Now()),
	})
	var be *strata.BatchError
	require.ErrorAs(t, err, &be)
	require.ErrorIs(t, err, strata.ErrWildcardLimit)
	require.Equal(t, strata.Inserted, res[1])

	n := 0
	for rec, err := range f.be.ScanMeta(bg, "") {
		require.NoError(t, err)
		if strings.HasPrefix(rec.Name, "strata/wd/") {
			n++
		}
	}
	require.Equal(t, 5, n, "one record per remembered delete, superseded ones erased")
}

// A Watch callback that panics while a wildcard delete publishes itself
// must not leave the key locks held.
func TestPanickingWatchDoesNotDeadlock(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "a/**"})
	_, err := f.store.Put(bg, "a/1", []byte("v"))
	require.NoError(t, err)
	var armed atomic.Bool
	armed.Store(true)
	stop := f.store.Watch(func(smp strata.Sample) {
		if armed.Swap(false) {
			panic("watcher bug")
		}
	})
	defer stop()
	func() {
		defer func() { require.NotNil(t, recover()) }()
		_, _ = f.store.Delete(bg, "a/**")
	}()
	done := make(chan error, 1)
	go func() {
		_, err := f.store.Put(bg, "a/2", []byte("v"))
		if err == nil {
			_, err = f.store.Delete(bg, "a/*")
		}
		if err == nil {
			err = f.store.Close(bg)
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the store deadlocked after a Watch callback panicked")
	}
}

func TestStartAtStripPrefixSlashSkipsRootKey(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**", StripPrefix: "demo"})
	for _, k := range []string{"demo", "demo/a", "demo/b"} {
		_, err := f.store.Put(bg, k, []byte(k))
		require.NoError(t, err)
	}
	var keys []string
	for smp, err := range f.store.Scan(bg, "demo/**", &strata.ScanOptions{Start: "demo/"}) {
		require.NoError(t, err)
		keys = append(keys, smp.Key)
	}
	require.Equal(t, []string{"demo/a", "demo/b"}, keys)
}

func TestKeyLengthIsBounded(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "**"})
	long := "a/" + strings.Repeat("x", strata.MaxKeyLen)
	_, err := f.store.Put(bg, long, []byte("v"))
	require.ErrorIs(t, err, strata.ErrInvalidKey)
	require.ErrorContains(t, err, "MaxKeyLen")
	require.Less(t, len(err.Error()), 400, "the error does not repeat a huge key")
	_, err = f.store.Apply(bg, put(long, "v", f.clock.Now()))
	require.ErrorIs(t, err, strata.ErrInvalidKey)
	_, err = f.store.Delete(bg, long+"/**")
	require.ErrorIs(t, err, strata.ErrInvalidKey)
	for _, err := range f.store.Get(bg, long+"/**") {
		require.ErrorIs(t, err, strata.ErrInvalidKey)
	}
	ok := "a/" + strings.Repeat("x", strata.MaxKeyLen-2)
	_, err = f.store.Put(bg, ok, []byte("v"))
	require.NoError(t, err, "a key of exactly MaxKeyLen bytes is fine")
}
