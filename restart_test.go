// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

// After a restart, Put and Delete take effect even when the store holds
// newer timestamps than the restarted clock would issue: a peer's sample
// from up to MaxDelta ahead applied just before a crash, or a wall clock
// stepped back between runs.
func TestLocalWritesWinAfterRestart(t *testing.T) {
	for _, tc := range []struct {
		name  string
		crash bool          // no Close before the restart
		ahead time.Duration // how far ahead the peer's samples were
		step  time.Duration // wall clock moved between runs
	}{
		{"crash after a sample from ahead", true, 450 * time.Millisecond, 0},
		{"clock stepped back, clean close", false, 0, -time.Hour},
		{"clock stepped back, crash", true, 0, -time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := newFakeTime()
			be := keepOpen{memory.New()}
			opts := func() *strata.Options {
				return &strata.Options{KeyExpr: "a/**", Clock: newClock(ft, 1), GCInterval: -1}
			}
			s1, err := strata.Open(bg, be, opts())
			require.NoError(t, err)
			peer := ft.Clock(2, tc.ahead)
			var newest = peer.Now()
			for _, smp := range []strata.Sample{
				put("a/k", "peer", peer.Now()), put("a/w/1", "peer", peer.Now()),
				del("a/w/**", peer.Now()), put("a/d", "peer", peer.Now()),
			} {
				_, err := s1.Apply(bg, smp)
				require.NoError(t, err)
				newest = smp.Timestamp
			}
			_, err = s1.Put(bg, "a/mine", []byte("before"))
			require.NoError(t, err)
			if !tc.crash {
				require.NoError(t, s1.Close(bg))
			}

			ft.Advance(tc.step)
			s2, err := strata.Open(bg, be, opts())
			require.NoError(t, err)
			defer s2.Close(bg)
			if tc.ahead > 0 || !tc.crash {
				require.Positive(t, s2.Clock().Now().Compare(newest), "the reopened clock is past what the store holds")
			}
			f := &fixture{t: t, store: s2}
			for _, k := range []string{"a/k", "a/w/2", "a/mine"} {
				ts, err := s2.Put(bg, k, []byte("after"))
				require.NoError(t, err)
				require.Equal(t, map[string]string{k: "after"}, f.get(k), "Put %s took effect", k)
				got := f.store.Get(bg, k)
				for smp := range got {
					require.Equal(t, ts, smp.Timestamp, "Put returns the timestamp stored")
				}
			}
			_, err = s2.Delete(bg, "a/d")
			require.NoError(t, err)
			require.Empty(t, f.get("a/d"), "Delete took effect")
			_, err = s2.Delete(bg, "a/**")
			require.NoError(t, err)
			require.Empty(t, f.get("a/**"), "a wildcard Delete took effect on every key")
		})
	}
}

// aheadOfEveryStamp is a backend whose every key always holds a sample
// newer than anything the clock issued: another process writing ahead of
// this one's clock, without end.
type aheadOfEveryStamp struct {
	backend.Backend
	clock *hlc.Clock
}

func (a aheadOfEveryStamp) Stat(ctx context.Context, key string) (backend.Entry, error) {
	return backend.Entry{Timestamp: hlc.Timestamp{Time: a.clock.Last() + 1000, ID: hlc.ID{9}}, Deleted: true}, nil
}

// A local write that cannot win says so: it never reports success for a
// write that changed nothing.
func TestLocalWriteThatKeepsLosingIsAnError(t *testing.T) {
	ft := newFakeTime()
	clock := newClock(ft, 1)
	s, err := strata.Open(bg, aheadOfEveryStamp{memory.New(), clock}, &strata.Options{KeyExpr: "a/**", Clock: clock, GCInterval: -1})
	require.NoError(t, err)
	defer s.Close(bg)
	_, err = s.Put(bg, "a/k", []byte("v"))
	require.ErrorIs(t, err, backend.ErrConflict)
	require.ErrorContains(t, err, "kept holding newer samples")
	_, err = s.Delete(bg, "a/k")
	require.ErrorIs(t, err, backend.ErrConflict)
}
