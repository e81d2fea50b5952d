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
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/rocksdb"
)

const ahead = 450 * time.Millisecond

func init() { children["ahead"] = childAhead }

// childAhead applies samples from a peer whose clock is 450 ms ahead (the
// default drift bound is 500 ms), says so, and waits to be killed.
func childAhead(dir string) error {
	s, err := openStore(dir, "a/**")
	if err != nil {
		return err
	}
	peer := hlc.NewClock(&hlc.Options{ID: hlc.ID{0xee}, Now: func() time.Time { return time.Now().Add(ahead) }})
	for _, smp := range []strata.Sample{
		{Key: "a/k", Value: []byte("peer"), Kind: strata.KindPut},
		{Key: "a/d", Value: []byte("peer"), Kind: strata.KindPut},
		{Key: "a/w/**", Kind: strata.KindDelete},
	} {
		smp.Timestamp = peer.Now()
		if r, err := s.Apply(bg, smp); err != nil || r == strata.Outdated {
			return fmt.Errorf("apply %s: %v, %v", smp.Key, r, err)
		}
	}
	say("applied")
	select {}
}

// Killed right after applying samples from ahead and reopened at once,
// the store's Put and Delete still take effect.
func TestRestartRightAfterSamplesFromAhead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	runUntil(t, "ahead", dir, "applied")

	be, err := rocksdb.Open(dir, nil)
	require.NoError(t, err)
	s, err := strata.Open(bg, be, &strata.Options{KeyExpr: "a/**", GCInterval: -1})
	require.NoError(t, err)
	defer s.Close(bg)

	value := func(key string) (string, bool) {
		for smp, err := range s.Get(bg, key) {
			require.NoError(t, err)
			return string(smp.Value), true
		}
		return "", false
	}
	for _, key := range []string{"a/k", "a/w/new"} {
		_, err := s.Put(bg, key, []byte("local"))
		require.NoError(t, err)
		v, ok := value(key)
		require.True(t, ok, "Put %s took effect", key)
		require.Equal(t, "local", v)
	}
	_, err = s.Delete(bg, "a/d")
	require.NoError(t, err)
	_, ok := value("a/d")
	require.False(t, ok, "Delete took effect")
}
