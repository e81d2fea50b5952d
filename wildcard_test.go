// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
)

func TestWildcardDelete(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "a/**"})
	f.apply(put("a/b", "b", f.ts(1, 2)))
	f.apply(put("a/b/c", "bc", f.ts(1, 2)))
	f.apply(put("a/x", "x", f.ts(1, 2)))
	f.apply(put("a/y", "newer", f.ts(30, 2)))
	require.Equal(t, strata.Deleted, f.apply(del("a/*", f.ts(20, 2))))

	require.Equal(t, map[string]string{"a/b/c": "bc", "a/y": "newer"}, f.get("a/**"),
		"matching keys older than the delete are gone; a newer one and a non-matching one stay")

	// Zenoh #1689: a put older than the wildcard delete, arriving late,
	// on a key the delete matched, must not come back.
	require.Equal(t, strata.Outdated, f.apply(put("a/b", "late", f.ts(10, 2))))
	// Zenoh #2649: nor on a key the store never had, nor with an empty value.
	require.Equal(t, strata.Outdated, f.apply(put("a/new", "late", f.ts(10, 2))))
	require.Equal(t, strata.Outdated, f.apply(put("a/new", "", f.ts(19, 9))))
	require.Equal(t, strata.Outdated, f.apply(put("a/b", "", f.ts(20, 2))), "the same timestamp loses")
	require.Equal(t, map[string]string{"a/b/c": "bc", "a/y": "newer"}, f.get("a/**"))

	// Newer puts are accepted, on old and new keys.
	require.Equal(t, strata.Inserted, f.apply(put("a/b", "again", f.ts(21, 2))))
	require.Equal(t, strata.Inserted, f.apply(put("a/z", "z", f.ts(21, 2))))
	require.Equal(t, map[string]string{"a/b": "again", "a/b/c": "bc", "a/y": "newer", "a/z": "z"}, f.get("a/**"))

	// Replaying the wildcard delete (a duplicate from replication) is a no-op.
	require.Equal(t, strata.Outdated, f.apply(del("a/*", f.ts(20, 2))))
	require.Equal(t, strata.Outdated, f.apply(del("a/*", f.ts(15, 2))))
	require.Len(t, f.get("a/**"), 4)
}

func TestWildcardDeleteMaterializesTombstones(t *testing.T) {
	// Two stores that see the same samples in different orders end up with
	// the same per-key state, tombstones included.
	samples := func(f *fixture) []strata.Sample {
		return []strata.Sample{
			put("a/k", "v", f.ts(5, 2)),
			del("a/old", f.ts(3, 2)),
			del("a/*", f.ts(10, 2)),
			del("a/late", f.ts(4, 2)),
		}
	}
	first := open(t, strata.Options{KeyExpr: "a/**"})
	second := open(t, strata.Options{KeyExpr: "a/**"})
	in := samples(first)
	for _, smp := range in {
		first.apply(smp)
	}
	for i := len(in) - 1; i >= 0; i-- {
		second.apply(in[i])
	}
	state := func(f *fixture) map[string]string {
		out := map[string]string{}
		for smp, err := range f.store.Scan(bg, "a/**", &strata.ScanOptions{Tombstones: true}) {
			require.NoError(t, err)
			out[smp.Key] = smp.Kind.String() + "@" + smp.Timestamp.String()
		}
		return out
	}
	require.Equal(t, state(first), state(second))
	w := "delete@" + first.ts(10, 2).String()
	require.Equal(t, map[string]string{"a/k": w, "a/old": w, "a/late": w}, state(first))
}

func TestWildcardDeleteSurvivesReopen(t *testing.T) {
	ft := newFakeTime()
	be := keepOpen{memory.New()}
	opts := &strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1}
	s, err := strata.Open(bg, be, opts)
	require.NoError(t, err)
	_, err = s.Put(bg, "a/b/c", []byte("v"))
	require.NoError(t, err)
	wts, err := s.Delete(bg, "a/**")
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))

	s, err = strata.Open(bg, be, opts)
	require.NoError(t, err)
	defer s.Close(bg)
	older := wts
	older.Time -= 16
	r, err := s.Apply(bg, put("a/never/seen", "late", older))
	require.NoError(t, err)
	require.Equal(t, strata.Outdated, r, "the remembered wildcard delete survives a restart")
	for range s.Get(bg, "a/**") {
		t.Fatal("a deleted key came back")
	}
}

func TestWildcardDeleteIsReadConsistentBeforeItsScan(t *testing.T) {
	// Reads filter what a remembered wildcard delete covers, so that a
	// delete whose tombstone scan was interrupted still reads as done.
	ft := newFakeTime()
	be := keepOpen{memory.New()}
	opts := &strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1}
	s, err := strata.Open(bg, be, opts)
	require.NoError(t, err)
	_, err = s.Put(bg, "a/x", []byte("v"))
	require.NoError(t, err)
	wts, err := s.Delete(bg, "a/*")
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))
	// Put the value back behind the store's back, as if the scan never ran.
	e, err := be.Get(bg, "a/x")
	require.NoError(t, err)
	require.True(t, e.Deleted)
	e.Deleted, e.Value, e.Timestamp.Time = false, []byte("v"), wts.Time-16
	require.NoError(t, be.Put(bg, "a/x", e))

	s, err = strata.Open(bg, be, opts)
	require.NoError(t, err)
	defer s.Close(bg)
	for range s.Get(bg, "a/*") {
		t.Fatal("a covered value was yielded")
	}
	for range s.Get(bg, "a/x") {
		t.Fatal("a covered value was yielded by a concrete get")
	}
}

func TestGarbageCollection(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "g/**", TombstoneLifespan: time.Hour})
	_, err := f.store.Put(bg, "g/live", []byte("v"))
	require.NoError(t, err)
	_, err = f.store.Delete(bg, "g/old")
	require.NoError(t, err)
	_, err = f.store.Delete(bg, "g/wild/*")
	require.NoError(t, err)
	f.time.Advance(40 * time.Minute)
	_, err = f.store.Delete(bg, "g/recent")
	require.NoError(t, err)

	res, err := f.store.CollectGarbage(bg)
	require.NoError(t, err)
	require.Equal(t, strata.GCResult{}, res, "nothing is old enough yet")

	f.time.Advance(30 * time.Minute)
	res, err = f.store.CollectGarbage(bg)
	require.NoError(t, err)
	require.Equal(t, strata.GCResult{Tombstones: 1, Wildcards: 1}, res)
	_, err = f.be.Get(bg, "g/old")
	require.Error(t, err, "the expired tombstone is erased")
	e, err := f.be.Get(bg, "g/recent")
	require.NoError(t, err)
	require.True(t, e.Deleted, "a recent tombstone stays")
	require.Equal(t, map[string]string{"g/live": "v"}, f.get("g/**"))

	// The forgotten wildcard delete no longer refuses older samples: the
	// documented cost of a partition longer than the lifespan.
	r := f.apply(put("g/wild/x", "old", f.ts(-100, 2)))
	require.Equal(t, strata.Inserted, r)
	st := f.store.Stats()
	require.Equal(t, uint64(2), st.GCRuns)
	require.Equal(t, uint64(1), st.GCTombstones)
}

func TestBackgroundGarbageCollection(t *testing.T) {
	ft := newFakeTime()
	s, err := strata.Open(bg, memory.New(), &strata.Options{
		KeyExpr: "g/**", Clock: newClock(ft, 1), TombstoneLifespan: time.Hour, GCInterval: 5 * time.Millisecond,
	})
	require.NoError(t, err)
	defer s.Close(bg)
	_, err = s.Delete(bg, "g/old")
	require.NoError(t, err)
	ft.Advance(2 * time.Hour)
	require.Eventually(t, func() bool { return s.Stats().GCTombstones == 1 }, 10*time.Second, 5*time.Millisecond)
}

func TestWildcardDeletesList(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "l/**"})
	f.apply(del("l/b/**", f.ts(5, 2)))
	f.apply(del("l/a/*", f.ts(3, 2)))
	f.apply(del("l/b/**", f.ts(7, 2)))
	got := f.store.WildcardDeletes()
	require.Equal(t, []strata.Sample{del("l/a/*", f.ts(3, 2)), del("l/b/**", f.ts(7, 2))}, got)
}

func TestWildcardDeleteWiderThanTheStoreIsClamped(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "fleet/**"})
	_, err := f.store.Put(bg, "fleet/a", []byte("v"))
	require.NoError(t, err)
	_, err = f.store.Delete(bg, "**")
	require.NoError(t, err)
	require.Empty(t, f.get("fleet/**"))
	wds := f.store.WildcardDeletes()
	require.Len(t, wds, 1)
	require.Equal(t, "fleet/**", wds[0].Key, "remembered as the store's own key expression")
	_, err = f.store.Delete(bg, "*/x")
	require.NoError(t, err)
	require.Equal(t, "*/x", f.store.WildcardDeletes()[1].Key, "a partial overlap is remembered as issued")
}
