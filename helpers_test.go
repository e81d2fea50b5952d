// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"iter"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/hlc/hlctest"
)

var bg = context.Background()

// fakeTime is a physical clock that moves only when told.
type fakeTime = hlctest.Time

func newFakeTime() *fakeTime { return hlctest.NewTime() }

func newClock(f *fakeTime, id byte) *hlc.Clock { return f.Clock(id, 0) }

// keepOpen is a backend that survives the Store's Close, so that a test
// can reopen a Store over the same (volatile) data.
type keepOpen struct{ backend.Backend }

func (keepOpen) Close(context.Context) error { return nil }

// recorder is a backend that records the prefixes it was asked to scan.
type recorder struct {
	backend.Backend
	mu       sync.Mutex
	prefixes []string
	gets     int
}

func (r *recorder) Scan(ctx context.Context, prefix string, opts *backend.ScanOptions) iter.Seq2[backend.Item, error] {
	r.mu.Lock()
	r.prefixes = append(r.prefixes, prefix)
	r.mu.Unlock()
	return r.Backend.Scan(ctx, prefix, opts)
}

func (r *recorder) Get(ctx context.Context, key string) (backend.Entry, error) {
	r.mu.Lock()
	r.gets++
	r.mu.Unlock()
	return r.Backend.Get(ctx, key)
}

type fixture struct {
	t     *testing.T
	time  *fakeTime
	clock *hlc.Clock
	be    backend.Backend
	store *strata.Store
}

// open opens a store over a fresh memory backend with a fake clock.
func open(t *testing.T, opts strata.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, time: newFakeTime(), be: memory.New()}
	f.clock = newClock(f.time, 1)
	if opts.Clock == nil {
		opts.Clock = f.clock
	}
	if opts.GCInterval == 0 {
		opts.GCInterval = -1
	}
	s, err := strata.Open(bg, f.be, &opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(bg) })
	f.store = s
	return f
}

// ts returns a timestamp n steps after the fake clock's start, from a
// remote clock with the given ID.
func (f *fixture) ts(n int, id byte) hlc.Timestamp {
	return hlc.Timestamp{Time: hlc.FromTime(f.time.Now()) + hlc.NTP64(n<<4), ID: hlc.ID{id}}
}

func (f *fixture) apply(smp strata.Sample) strata.Result {
	f.t.Helper()
	r, err := f.store.Apply(bg, smp)
	require.NoError(f.t, err)
	return r
}

// get collects Get(selector) as key → value.
func (f *fixture) get(selector string) map[string]string {
	f.t.Helper()
	out := map[string]string{}
	var last string
	for smp, err := range f.store.Get(bg, selector) {
		require.NoError(f.t, err)
		require.Equal(f.t, strata.KindPut, smp.Kind)
		require.Less(f.t, last, smp.Key+"\x00", "keys out of order")
		last = smp.Key
		out[smp.Key] = string(smp.Value)
	}
	return out
}

func (f *fixture) keys(selector string) []string {
	f.t.Helper()
	var keys []string
	for smp, err := range f.store.Get(bg, selector) {
		require.NoError(f.t, err)
		keys = append(keys, smp.Key)
	}
	return keys
}

func put(key, value string, ts hlc.Timestamp) strata.Sample {
	return strata.Sample{Key: key, Value: []byte(value), Timestamp: ts, Kind: strata.KindPut}
}

func del(key string, ts hlc.Timestamp) strata.Sample {
	return strata.Sample{Key: key, Timestamp: ts, Kind: strata.KindDelete}
}
