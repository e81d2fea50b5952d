// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/hlc/hlctest"
	"github.com/stratakv/strata/keyexpr"
)

// TestStoreEqualsMemory drives a Store over this backend and a Store over
// the memory backend in lockstep, with the same clock readings, through a
// random script of puts, deletes, wildcard deletes, applied samples from
// a peer (new, outdated, repeated, from ahead of the clock), batches that
// mix all of them (the same key twice, older after newer), restarts with
// the wall clock stepped back (so that local writes must be stamped past
// what the store holds), and requires the same result, timestamp and
// notifications for every operation and the same contents throughout.
// The Store decides writes through backend.NewerWriter over RocksDB and
// with Stat and Put over memory, so this checks the one against the
// other, with the metadata cache on, tiny (evicting within a batch), and
// off.
func TestStoreEqualsMemory(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries int
	}{
		{"cache", 0},
		{"small cache", 256},
		{"tiny cache", 1},
		{"no cache", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(4) {
				t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
					runDifferential(t, seed, tc.entries)
				})
			}
		})
	}
}

// twin is a Store, with the backend that survives its restarts and what
// its watchers saw.
type twin struct {
	name  string
	open  func() backend.Backend
	crash func() error // releases the backend without closing the Store
	store *strata.Store

	mu   sync.Mutex
	seen []strata.Sample
}

func (w *twin) start(t *testing.T, ft *hlctest.Time) {
	t.Helper()
	s, err := strata.Open(bg, w.open(), &strata.Options{
		KeyExpr: "a/**", Clock: ft.Clock(1, 0), GCInterval: -1, TombstoneLifespan: 1000 * time.Hour,
	})
	require.NoError(t, err, w.name)
	w.store = s
	s.Watch(func(smp strata.Sample) {
		w.mu.Lock()
		w.seen = append(w.seen, smp)
		w.mu.Unlock()
	})
}

func runDifferential(t *testing.T, seed uint64, entries int) {
	rng := rand.New(rand.NewPCG(seed, 15))
	ft := hlctest.NewTime()
	mem := memory.New()
	dir := filepath.Join(t.TempDir(), "db")
	ref := &twin{name: "memory", open: func() backend.Backend { return keepOpenBackend{mem} }}
	var rb *Backend
	rocks := &twin{name: "rocksdb", open: func() backend.Backend {
		var err error
		rb, err = Open(dir, &Options{CreateIfMissing: true, MetaCacheEntries: entries})
		require.NoError(t, err)
		return rb
	}, crash: func() error { return rb.Close(bg) }}
	twins := []*twin{ref, rocks}
	for _, w := range twins {
		w.start(t, ft)
	}
	defer func() {
		for _, w := range twins {
			_ = w.store.Close(bg) // returns the error of a closed backend after a crash
		}
	}()

	keys := []string{"a/k0", "a/k1", "a/k2", "a/x/k0", "a/x/k1", "a/x/y/k0", "a/y/k0", "a"}
	// Many keys, so that a batch puts several in one shard of the cache,
	// and a tiny cache evicts within a batch.
	for i := range 120 {
		keys = append(keys, fmt.Sprintf("a/n/%d", i))
	}
	pick := func(keys []string) string {
		if rng.IntN(3) == 0 {
			return keys[rng.IntN(len(keys))]
		}
		return keys[rng.IntN(8)]
	}
	wilds := []string{"a/x/*", "a/x/**", "a/*", "a/**", "a/*/k0", "a/$*1", "a/n/*"}
	peer := ft.Clock(2, 300*time.Millisecond) // ahead: its samples push the clock mark
	var history []hlc.Timestamp               // timestamps seen, for outdated samples
	tsOf := func() hlc.Timestamp {
		switch {
		case len(history) > 0 && rng.IntN(3) == 0:
			return history[rng.IntN(len(history))] // repeated, or outdated
		case len(history) > 0 && rng.IntN(4) == 0:
			old := history[rng.IntN(len(history))]
			return hlc.Timestamp{Time: old.Time - 1, ID: hlc.ID{3}} // just before
		}
		ts := peer.Now()
		history = append(history, ts)
		return ts
	}
	sample := func() strata.Sample {
		if rng.IntN(8) == 0 {
			return strata.Sample{Key: wilds[rng.IntN(len(wilds))], Kind: strata.KindDelete, Timestamp: tsOf()}
		}
		smp := strata.Sample{Key: pick(keys), Kind: strata.KindPut, Timestamp: tsOf()}
		if rng.IntN(4) == 0 {
			smp.Kind = strata.KindDelete
		} else {
			smp.Value = fmt.Appendf(nil, "v%d", rng.IntN(1000))
			smp.Encoding = []string{"", "text/plain"}[rng.IntN(2)]
		}
		return smp
	}

	for step := range 400 {
		// Each operation runs on both stores; what it returns is
		// compared as text.
		var op func(s *strata.Store) string
		switch r := rng.IntN(100); {
		case r < 20:
			k, v := pick(keys), fmt.Appendf(nil, "local%d", step)
			op = func(s *strata.Store) string {
				ts, err := s.Put(bg, k, v)
				return fmt.Sprint("put ", k, " ", ts, " ", err)
			}
		case r < 27:
			k := pick(keys)
			op = func(s *strata.Store) string {
				ts, err := s.Delete(bg, k)
				return fmt.Sprint("delete ", k, " ", ts, " ", err)
			}
		case r < 32:
			k := wilds[rng.IntN(len(wilds))]
			op = func(s *strata.Store) string {
				ts, err := s.Delete(bg, k)
				return fmt.Sprint("delete ", k, " ", ts, " ", err)
			}
		case r < 60:
			smp := sample()
			op = func(s *strata.Store) string {
				res, err := s.Apply(bg, smp)
				return fmt.Sprint("apply ", smp.Key, " ", smp.Timestamp, " ", res, " ", err)
			}
		case r < 85:
			batch := make([]strata.Sample, 1+rng.IntN([]int{24, 150}[rng.IntN(2)]))
			for i := range batch {
				switch {
				case i > 0 && rng.IntN(4) == 0:
					batch[i] = batch[rng.IntN(i)] // the same sample again
				case i > 0 && rng.IntN(4) == 0:
					batch[i] = sample()
					batch[i].Key = batch[rng.IntN(i)].Key // the same key again
					if batch[i].Kind == strata.KindPut && batch[i].Key != "a" && rng.IntN(2) == 0 {
						batch[i].Kind, batch[i].Value = strata.KindDelete, nil
					}
				default:
					batch[i] = sample()
				}
				if batch[i].Kind == strata.KindPut && keyexpr.HasWildcard(batch[i].Key) {
					batch[i].Kind, batch[i].Value = strata.KindDelete, nil
				}
			}
			op = func(s *strata.Store) string {
				res, err := s.ApplyBatch(bg, batch)
				return fmt.Sprint("batch ", res, " ", err)
			}
		case r < 95:
			d := time.Duration(rng.IntN(200)) * time.Millisecond
			ft.Advance(d)
			continue
		default:
			// A restart, clean or after a crash (the Store is not
			// closed: it saves nothing more), with the wall clock
			// stepped back: after a crash, the stores hold newer
			// timestamps than their clocks would issue.
			crash := rng.IntN(2) == 0
			for _, w := range twins {
				if !crash {
					require.NoError(t, w.store.Close(bg), w.name)
				} else if w.crash != nil {
					require.NoError(t, w.crash(), w.name)
				}
			}
			ft.Advance(-time.Duration(rng.IntN(3)) * time.Second)
			for _, w := range twins {
				w.start(t, ft)
			}
			continue
		}
		want := op(ref.store)
		got := op(rocks.store)
		require.Equal(t, want, got, "step %d", step)
		if step%20 == 0 {
			requireSameContents(t, ref.store, rocks.store, step)
		}
	}
	requireSameContents(t, ref.store, rocks.store, -1)
	require.Equal(t, ref.seen, rocks.seen, "notifications")
	require.NotEmpty(t, ref.seen)
}

// keepOpenBackend is a memory backend that survives the Store's Close, so
// that the reference store restarts over the same data.
type keepOpenBackend struct{ *memory.Backend }

func (keepOpenBackend) Close(context.Context) error { return nil }

func requireSameContents(t *testing.T, want, got *strata.Store, step int) {
	t.Helper()
	all := &strata.ScanOptions{Tombstones: true}
	require.Equal(t, collect(t, want, "a/**", all), collect(t, got, "a/**", all), "contents at step %d", step)
	require.Equal(t, sortedWildcards(want), sortedWildcards(got), "wildcard deletes at step %d", step)
	require.Equal(t, want.Stats(), got.Stats(), "statistics at step %d", step)
}

// sortedWildcards is s.WildcardDeletes, in a deterministic order: deletes
// of the same time come in any order.
func sortedWildcards(s *strata.Store) []strata.Sample {
	out := s.WildcardDeletes()
	slices.SortFunc(out, func(a, b strata.Sample) int {
		return cmp.Or(a.Timestamp.Compare(b.Timestamp), strings.Compare(a.Key, b.Key))
	})
	return out
}
