// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
)

// sharedMem is a memory backend with the capabilities of a backend that
// several processes share (conditional writes, conditional create and
// remove), which several Stores in one test can open at once. loseNext
// makes the next conditional write apply and then report a conflict, as
// a client does when the response to its write was lost and its retry
// found the write already done.
type sharedMem struct {
	*memory.Backend
	mu       sync.Mutex
	loseNext bool
}

func newSharedMem() *sharedMem { return &sharedMem{Backend: memory.New()} }

func (m *sharedMem) Close(context.Context) error { return nil }

func version(e backend.Entry) backend.Version {
	return backend.Version(fmt.Sprintf("%s/%t", e.Timestamp, e.Deleted))
}

func (m *sharedMem) StatVersion(ctx context.Context, key string) (backend.Entry, backend.Version, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.Backend.Stat(ctx, key)
	if err != nil {
		return e, "", err
	}
	return e, version(e), nil
}

func (m *sharedMem) PutIfVersion(ctx context.Context, key string, e backend.Entry, v backend.Version) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, err := m.Backend.Stat(ctx, key)
	switch {
	case errors.Is(err, backend.ErrNotFound):
		if v != "" {
			return backend.ErrConflict
		}
	case err != nil:
		return err
	case version(cur) != v:
		return backend.ErrConflict
	}
	if err := m.Backend.Put(ctx, key, e); err != nil {
		return err
	}
	if m.loseNext {
		m.loseNext = false
		return fmt.Errorf("412 on the retry: %w", backend.ErrConflict)
	}
	return nil
}

func (m *sharedMem) RemoveIfVersion(ctx context.Context, key string, v backend.Version) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, err := m.Backend.Stat(ctx, key)
	if err != nil || version(cur) != v {
		return backend.ErrConflict
	}
	return m.Backend.Remove(ctx, key)
}

func (m *sharedMem) CreateMeta(ctx context.Context, name string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.Backend.GetMeta(ctx, name); err == nil {
		return backend.ErrConflict
	}
	return m.Backend.PutMeta(ctx, name, value)
}

// A conditional write whose response was lost is reported as applied, and
// observed, not as Outdated.
func TestLostResponseIsApplied(t *testing.T) {
	ft := newFakeTime()
	m := newSharedMem()
	s, err := strata.Open(bg, m, &strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1})
	require.NoError(t, err)
	defer s.Close(bg)
	var seen []strata.Sample
	stop := s.Watch(func(smp strata.Sample) { seen = append(seen, smp) })
	defer stop()

	m.loseNext = true
	ts, err := s.Put(bg, "a/1", []byte("v"))
	require.NoError(t, err)
	m.loseNext = true
	r, err := s.Apply(bg, put("a/2", "w", newClock(ft, 2).Now()))
	require.NoError(t, err)
	require.Equal(t, strata.Inserted, r, "the lost response hides a successful insert")
	m.loseNext = true
	dts, err := s.Delete(bg, "a/1")
	require.NoError(t, err)

	require.Len(t, seen, 3, "Watch observes each write once")
	require.Equal(t, ts, seen[0].Timestamp)
	require.Equal(t, dts, seen[2].Timestamp)
	require.Zero(t, s.Stats().Outdated)
}

// Another process's wildcard delete is seen within WildcardRefresh.
func TestWildcardDeletesOfOtherProcesses(t *testing.T) {
	ft := newFakeTime()
	m := newSharedMem()
	opts := func(id byte) *strata.Options {
		return &strata.Options{KeyExpr: "a/**", Clock: newClock(ft, id), GCInterval: -1, WildcardRefresh: 5 * time.Millisecond}
	}
	a, err := strata.Open(bg, m, opts(1))
	require.NoError(t, err)
	defer a.Close(bg)
	b, err := strata.Open(bg, m, opts(2))
	require.NoError(t, err)
	defer b.Close(bg)

	old := newClock(ft, 3).Now()
	ft.Advance(time.Second)
	_, err = a.Delete(bg, "a/x/**")
	require.NoError(t, err)
	_, err = b.Delete(bg, "a/y/**")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(b.WildcardDeletes()) == 2 && len(a.WildcardDeletes()) == 2 },
		5*time.Second, 5*time.Millisecond, "each process sees the other's delete")
	r, err := b.Apply(bg, put("a/x/new", "stale", old))
	require.NoError(t, err)
	require.Equal(t, strata.Outdated, r, "an older put under A's delete is refused by B")

	// Both records are there: neither process overwrote the other's.
	n := 0
	for _, err := range m.ScanMeta(bg, "strata/wd/") {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 2, n)
}

// Two processes creating one store at once with different options: the
// second learns of the first's configuration instead of overwriting it.
func TestConcurrentCreateAgreesOnConfig(t *testing.T) {
	m := &raceCreate{sharedMem: newSharedMem()}
	_, err := strata.Open(bg, m.sharedMem, &strata.Options{KeyExpr: "a/**", GCInterval: -1})
	require.NoError(t, err)
	// The next Open reads no config (as if it raced the first), then its
	// create conflicts: it must compare, not succeed.
	m.hideConfig = true
	_, err = strata.Open(bg, m, &strata.Options{KeyExpr: "b/**", GCInterval: -1})
	require.ErrorIs(t, err, strata.ErrIncompatible)
}

type raceCreate struct {
	*sharedMem
	hideConfig bool
}

func (r *raceCreate) GetMeta(ctx context.Context, name string) ([]byte, error) {
	if r.hideConfig && name == "strata/config" {
		r.hideConfig = false
		return nil, backend.ErrNotFound
	}
	return r.sharedMem.GetMeta(ctx, name)
}

// Garbage collection over a shared backend erases a tombstone only if it
// is still the one it read.
func TestGCRemovesConditionally(t *testing.T) {
	ft := newFakeTime()
	m := newSharedMem()
	s, err := strata.Open(bg, m, &strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1, TombstoneLifespan: time.Hour})
	require.NoError(t, err)
	defer s.Close(bg)
	_, err = s.Delete(bg, "a/1")
	require.NoError(t, err)
	ft.Advance(2 * time.Hour)
	res, err := s.CollectGarbage(bg)
	require.NoError(t, err)
	require.Equal(t, 1, res.Tombstones)
	_, err = m.Stat(bg, "a/1")
	require.ErrorIs(t, err, backend.ErrNotFound)
}

// noCondRemove is a shared backend whose server turns out not to honour
// conditional erases.
type noCondRemove struct{ *sharedMem }

func (noCondRemove) RemoveIfVersion(context.Context, string, backend.Version) error {
	return fmt.Errorf("no If-Match on DELETE here: %w", errors.ErrUnsupported)
}

func TestGCFallsBackWhenConditionalRemoveIsUnsupported(t *testing.T) {
	ft := newFakeTime()
	m := noCondRemove{newSharedMem()}
	s, err := strata.Open(bg, m, &strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1, TombstoneLifespan: time.Hour})
	require.NoError(t, err)
	defer s.Close(bg)
	for _, k := range []string{"a/1", "a/2"} {
		_, err = s.Delete(bg, k)
		require.NoError(t, err)
	}
	ft.Advance(2 * time.Hour)
	res, err := s.CollectGarbage(bg)
	require.NoError(t, err)
	require.Equal(t, 2, res.Tombstones, "erased without the condition")
}
