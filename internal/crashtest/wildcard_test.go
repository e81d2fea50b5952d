// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package crashtest

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/rocksdb"
)

const wildcardKeys = 5000 // about 20 pages of tombstones

func init() { children["wildcard"] = childWildcard }

// childWildcard fills a store, then deletes it all with one wildcard
// delete, and blocks forever once the first page of tombstones is written.
func childWildcard(dir string) error {
	s, err := openStore(dir, "w/**")
	if err != nil {
		return err
	}
	for i := range wildcardKeys {
		if _, err := s.Put(bg, fmt.Sprintf("w/k/%05d", i), []byte("old value")); err != nil {
			return err
		}
	}
	s.Watch(func(smp strata.Sample) {
		if smp.Kind == strata.KindDelete && smp.Key != "w/**" {
			say("tombstoning")
			select {} // killed here, between two pages
		}
	})
	_, err = s.Delete(bg, "w/**")
	return fmt.Errorf("the delete returned (%v) instead of blocking", err)
}

// A process killed while its wildcard delete writes tombstones leaves a
// delete that the next Open finishes; garbage collection past the
// lifespan then erases everything, and nothing comes back.
func TestWildcardDeleteKilledDuringTombstones(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	runUntil(t, "wildcard", dir, "tombstoning")

	be, err := rocksdb.Open(dir, nil)
	require.NoError(t, err)
	live, dead := 0, 0
	for it, err := range be.Scan(bg, "", &backend.ScanOptions{KeysOnly: true}) {
		require.NoError(t, err)
		if it.Entry.Deleted {
			dead++
		} else {
			live++
		}
	}
	require.Positive(t, live, "the kill came before the last tombstone")
	require.Positive(t, dead, "the kill came after the first page of tombstones")
	t.Logf("killed with %d tombstones written and %d values left", dead, live)

	later := hlc.NewClock(&hlc.Options{Now: func() time.Time { return time.Now().Add(48 * time.Hour) }})
	s, err := strata.Open(bg, be, &strata.Options{KeyExpr: "w/**", GCInterval: -1, Clock: later})
	require.NoError(t, err, "Open finishes the interrupted delete")
	for smp, err := range s.Get(bg, "w/**") {
		require.NoError(t, err)
		t.Fatalf("%s came back after the restart", smp.Key)
	}
	res, err := s.CollectGarbage(bg)
	require.NoError(t, err)
	require.Equal(t, 1, res.Wildcards)
	require.Equal(t, wildcardKeys, res.Tombstones)
	for smp, err := range s.Scan(bg, "w/**", &strata.ScanOptions{Tombstones: true}) {
		require.NoError(t, err)
		t.Fatalf("%s (%v) is still there after garbage collection", smp.Key, smp.Kind)
	}
	require.NoError(t, s.Close(bg))
}
