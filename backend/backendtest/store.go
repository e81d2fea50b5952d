// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backendtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/hlc/hlctest"
)

// RunStoreTests runs a strata.Store over the backends that newHarness
// opens: last-writer-wins, tombstones, wildcard deletes, the strip prefix
// with its empty backend key, garbage collection, and, for durable
// backends, that all of it (remembered wildcard deletes included) is back
// after the store is closed and opened again.
func RunStoreTests(t *testing.T, newHarness HarnessMaker) {
	t.Run("Semantics", func(t *testing.T) {
		_, b := open(t, newHarness)
		testStoreSemantics(t, b)
	})
	t.Run("GarbageCollection", func(t *testing.T) {
		_, b := open(t, newHarness)
		testStoreGC(t, b)
	})
	t.Run("Reopen", func(t *testing.T) {
		h, b := open(t, newHarness)
		if !h.Durable() {
			t.Skip("volatile backend")
		}
		testStoreReopen(t, h, b)
	})
}

// clockAt is a physical clock that moves only when told.
type clockAt struct{ *hlctest.Time }

func newClockAt() *clockAt { return &clockAt{hlctest.NewTime()} }

func (c *clockAt) now() time.Time          { return c.Now() }
func (c *clockAt) advance(d time.Duration) { c.Advance(d) }
func (c *clockAt) clock() *hlc.Clock       { return c.Clock(1, 0) }

// at is a timestamp n steps after the clock's start from a remote clock.
func (c *clockAt) at(n int) hlc.Timestamp {
	return hlc.Timestamp{Time: hlc.FromTime(c.now()) + hlc.NTP64(n<<4), ID: hlc.ID{2}}
}

func storeOptions(c *clockAt) *strata.Options {
	return &strata.Options{KeyExpr: "site/**", StripPrefix: "site", Clock: c.clock(), GCInterval: -1, TombstoneLifespan: time.Hour}
}

func live(t testing.TB, s *strata.Store, selector string) map[string]string {
	t.Helper()
	out := map[string]string{}
	prev := ""
	for smp, err := range s.Get(bg, selector) {
		require.NoError(t, err)
		require.True(t, prev == "" || prev < smp.Key, "keys out of order: %q then %q", prev, smp.Key)
		prev = smp.Key
		out[smp.Key] = string(smp.Value)
	}
	return out
}

func apply(t testing.TB, s *strata.Store, smp strata.Sample) strata.Result {
	t.Helper()
	r, err := s.Apply(bg, smp)
	require.NoError(t, err, "apply %s %s", smp.Kind, smp.Key)
	return r
}

func putAt(key, value string, ts hlc.Timestamp) strata.Sample {
	return strata.Sample{Key: key, Value: []byte(value), Encoding: "text/plain", Timestamp: ts, Kind: strata.KindPut}
}

func delAt(key string, ts hlc.Timestamp) strata.Sample {
	return strata.Sample{Key: key, Timestamp: ts, Kind: strata.KindDelete}
}

func testStoreSemantics(t *testing.T, b backend.Backend) {
	c := newClockAt()
	s, err := strata.Open(bg, keepOpen{b}, storeOptions(c))
	require.NoError(t, err)
	defer s.Close(bg)

	require.Equal(t, strata.Inserted, apply(t, s, putAt("site", "root", c.at(1))))
	require.Equal(t, strata.Inserted, apply(t, s, putAt("site/a/b", "ab", c.at(1))))
	require.Equal(t, strata.Inserted, apply(t, s, putAt("site/a/b/c", "abc", c.at(1))))
	require.Equal(t, strata.Inserted, apply(t, s, putAt("site/a/bc", "a-bc", c.at(1))))
	require.Equal(t, strata.Outdated, apply(t, s, putAt("site/a/b", "older", c.at(0))))
	require.Equal(t, strata.Replaced, apply(t, s, putAt("site/a/b", "newer", c.at(2))))
	require.Equal(t, map[string]string{"site": "root", "site/a/b": "newer", "site/a/b/c": "abc", "site/a/bc": "a-bc"}, live(t, s, "site/**"))
	require.Equal(t, map[string]string{"site/a/b/c": "abc"}, live(t, s, "site/a/b/*"))
	require.Equal(t, map[string]string{"site": "root"}, live(t, s, "site"))

	require.Equal(t, strata.Deleted, apply(t, s, delAt("site/never", c.at(5))))
	require.Equal(t, strata.Outdated, apply(t, s, putAt("site/never", "late", c.at(4))), "a tombstone for a key never seen")
	require.Equal(t, strata.Deleted, apply(t, s, delAt("site/a/**", c.at(10))))
	require.Equal(t, strata.Outdated, apply(t, s, putAt("site/a/b", "stale", c.at(9))))
	require.Equal(t, strata.Outdated, apply(t, s, putAt("site/a/new", "", c.at(9))))
	require.Equal(t, strata.Inserted, apply(t, s, putAt("site/a/new", "fresh", c.at(11))))
	require.Equal(t, map[string]string{"site": "root", "site/a/new": "fresh"}, live(t, s, "site/**"))
}

func testStoreGC(t *testing.T, b backend.Backend) {
	c := newClockAt()
	s, err := strata.Open(bg, keepOpen{b}, storeOptions(c))
	require.NoError(t, err)
	defer s.Close(bg)
	apply(t, s, delAt("site/old", c.at(1)))
	apply(t, s, delAt("site/wild/*", c.at(1)))
	c.advance(2 * time.Hour)
	apply(t, s, delAt("site/recent", c.at(1)))
	res, err := s.CollectGarbage(bg)
	require.NoError(t, err)
	require.Equal(t, strata.GCResult{Tombstones: 1, Wildcards: 1}, res)
	_, err = b.Stat(bg, "old")
	require.ErrorIs(t, err, backend.ErrNotFound, "the expired tombstone is erased from the backend")
	e, err := b.Stat(bg, "recent")
	require.NoError(t, err)
	require.True(t, e.Deleted)
}

func testStoreReopen(t *testing.T, h Harness, b backend.Backend) {
	c := newClockAt()
	s, err := strata.Open(bg, b, storeOptions(c))
	require.NoError(t, err)
	apply(t, s, putAt("site", "root", c.at(1)))
	json := putAt("site/j", `{"x":1}`, c.at(1))
	json.Encoding = "application/json"
	apply(t, s, json)
	apply(t, s, putAt("site/w/1", "w1", c.at(1)))
	apply(t, s, delAt("site/gone", c.at(3)))
	apply(t, s, delAt("site/w/*", c.at(5)))
	before := scanState(t, s)
	require.NoError(t, s.Close(bg))

	b2, err := h.Open(bg)
	require.NoError(t, err)
	_, err = strata.Open(bg, keepOpen{b2}, &strata.Options{KeyExpr: "site/**", GCInterval: -1})
	require.ErrorIs(t, err, strata.ErrIncompatible, "another strip prefix")
	s2, err := strata.Open(bg, b2, storeOptions(c))
	require.NoError(t, err)
	defer s2.Close(bg)
	require.Equal(t, before, scanState(t, s2), "values, encodings, timestamps and tombstones are back")
	require.Len(t, s2.WildcardDeletes(), 1)
	require.Equal(t, strata.Outdated, apply(t, s2, putAt("site/w/never-seen", "stale", c.at(4))),
		"the remembered wildcard delete still refuses older samples")
	require.Equal(t, strata.Outdated, apply(t, s2, putAt("site/gone", "stale", c.at(2))))
	require.Equal(t, map[string]string{"site": "root", "site/j": `{"x":1}`}, live(t, s2, "**"))
}

func scanState(t testing.TB, s *strata.Store) []strata.Sample {
	t.Helper()
	var out []strata.Sample
	for smp, err := range s.Scan(bg, "site/**", &strata.ScanOptions{Tombstones: true}) {
		require.NoError(t, err)
		out = append(out, smp)
	}
	return out
}

// keepOpen lets a test close a Store without closing the backend, which
// the harness closes.
type keepOpen struct{ backend.Backend }

func (keepOpen) Close(context.Context) error { return nil }
