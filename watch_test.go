// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

func TestWatch(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "w/**"})
	var got []string
	stop := f.store.Watch(func(s strata.Sample) {
		got = append(got, fmt.Sprintf("%s %s %s", s.Kind, s.Key, s.Value))
	})
	f.apply(put("w/a", "1", f.ts(1, 2)))
	f.apply(put("w/a", "old", f.ts(0, 2))) // outdated: not observed
	f.apply(put("w/b", "2", f.ts(2, 2)))
	f.apply(del("w/b", f.ts(3, 2)))
	f.apply(del("w/*", f.ts(4, 2)))
	f.apply(put("w/c", "late", f.ts(3, 2))) // refused, materializes the delete
	stop()
	stop()
	f.apply(put("w/d", "unseen", f.ts(9, 2)))
	require.Equal(t, []string{
		"put w/a 1",
		"put w/b 2",
		"delete w/b ",
		"delete w/* ",
		"delete w/a ",
		"delete w/b ",
		"delete w/c ",
	}, got)
}

func TestWatchSeesEveryChange(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "w/**"})
	var mu sync.Mutex
	var a, b []string
	stopA := f.store.Watch(func(s strata.Sample) { mu.Lock(); a = append(a, s.Key); mu.Unlock() })
	stopB := f.store.Watch(func(s strata.Sample) { mu.Lock(); b = append(b, s.Key); mu.Unlock() })
	defer stopB()
	_, err := f.store.Put(bg, "w/1", nil)
	require.NoError(t, err)
	stopA()
	_, err = f.store.Put(bg, "w/2", nil)
	require.NoError(t, err)
	require.Equal(t, []string{"w/1"}, a)
	require.Equal(t, []string{"w/1", "w/2"}, b)
}

// TestConcurrentLastWriterWins hammers a few keys from many goroutines
// with samples in random order: each key must end with its newest sample,
// every result must be consistent, and watchers must see each key's
// changes in increasing timestamp order.
func TestConcurrentLastWriterWins(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "r/**"})
	const workers, perWorker, keys = 16, 300, 4
	var mu sync.Mutex
	lastSeen := map[string]hlc.Timestamp{}
	f.store.Watch(func(s strata.Sample) {
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := lastSeen[s.Key]; ok && s.Timestamp.Compare(prev) <= 0 {
			t.Errorf("watch: %s went back from %s to %s", s.Key, prev, s.Timestamp)
		}
		lastSeen[s.Key] = s.Timestamp
	})
	newest := make([]hlc.Timestamp, keys)
	var newestMu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for range perWorker {
				k := r.IntN(keys)
				ts := f.ts(r.IntN(10000), byte(1+w))
				smp := put(fmt.Sprintf("r/%d", k), ts.String(), ts)
				if r.IntN(10) == 0 {
					smp = del(smp.Key, ts)
				}
				if _, err := f.store.Apply(bg, smp); err != nil {
					t.Error(err)
					return
				}
				newestMu.Lock()
				if ts.Compare(newest[k]) > 0 {
					newest[k] = ts
				}
				newestMu.Unlock()
			}
		}()
	}
	wg.Wait()
	for k := range keys {
		key := fmt.Sprintf("r/%d", k)
		var got []strata.Sample
		for smp, err := range f.store.Scan(bg, key, &strata.ScanOptions{Tombstones: true}) {
			require.NoError(t, err)
			got = append(got, smp)
		}
		require.Len(t, got, 1)
		require.Equal(t, newest[k], got[0].Timestamp, "key %s", key)
		if got[0].Kind == strata.KindPut {
			require.Equal(t, newest[k].String(), string(got[0].Value))
		}
		require.Equal(t, newest[k], lastSeen[key], "the last change watched is the newest")
	}
}

func TestConcurrentPutsAndWildcardDeletes(t *testing.T) {
	// A wildcard delete racing with older puts: none of the older puts may
	// survive it, whatever the interleaving.
	for round := range 20 {
		f := open(t, strata.Options{KeyExpr: "c/**"})
		wts := f.ts(1000, 1)
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					f.apply(put(fmt.Sprintf("c/%d/%d", w, i), "v", f.ts(i, byte(2+w))))
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.apply(del("c/**", wts))
		}()
		wg.Wait()
		require.Empty(t, f.get("c/**"), "round %d", round)
	}
}
