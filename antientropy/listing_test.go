// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
)

// A responder that receives the short hashes of the requester's events
// lists only the events the requester lacks or holds in another version.
func TestListingExcept(t *testing.T) {
	c := testConfig(t)
	mine, theirs := newEventLog(c), newEventLog(c)
	put := func(l *eventLog, key string, sec float64) {
		l.observe(strata.Sample{Key: key, Timestamp: ts(sec, 1), Kind: strata.KindPut})
	}
	want := map[string]bool{}
	for i := range 30 {
		key := fmt.Sprintf("k/%02d", i)
		put(theirs, key, 0.01*float64(i))
		switch {
		case i%7 == 3: // newer on theirs
			put(mine, key, 0.005*float64(i))
			want[key] = true
		case i%11 == 0: // not in mine
			want[key] = true
		default:
			put(mine, key, 0.01*float64(i))
		}
	}
	put(mine, "k/only-mine", 0.5)
	n := subNode(c.subOf(t0))
	L := c.intervalOf(t0) + 100
	have := mine.shortHashes(n, L)
	_, count := mine.nodeSums(n, L)
	require.Len(t, have, count)
	a := theirs.exploreExcept(n, L, have, DefaultMaxMessageSize)
	require.True(t, a.leaf)
	got := map[string]bool{}
	for _, ev := range a.events {
		got[ev.Key] = true
	}
	require.Equal(t, want, got)
	require.Equal(t, theirs.explore(n, L, DefaultMaxMessageSize), theirs.exploreExcept(n, L, nil, DefaultMaxMessageSize))

	// A node too large to list is answered with its children, whatever
	// the requester sent; one with fewer than haveMin events here, or
	// more than a listing holds, goes without short hashes.
	for i := range 100 {
		put(theirs, fmt.Sprintf("k/more/%03d", i), 0.001*float64(i))
	}
	a = theirs.exploreExcept(n, L, have, DefaultMaxMessageSize)
	require.False(t, a.leaf)
	require.Nil(t, theirs.shortHashes(n, L))
	lone := newEventLog(c)
	put(lone, "k/00", 0)
	require.Nil(t, lone.shortHashes(n, L))
}

// Short hashes change with the reference, so that an accidental match
// does not last, and derive from the event hash, keyed with the secret
// when there is one.
func TestShortHashes(t *testing.T) {
	c := testConfig(t)
	keyed := testConfig(t)
	keyed.hasher = newHasher([]byte("a secret"))
	L := c.intervalOf(t0) + 100
	same, sameKeyed := 0, 0
	for i := range 1000 {
		h, _ := c.eventHash(nil, fmt.Sprintf("k/%d", i), ts(0, 1), strata.KindPut)
		hk, _ := keyed.eventHash(nil, fmt.Sprintf("k/%d", i), ts(0, 1), strata.KindPut)
		if shortHash(h, L) == shortHash(h, L+1) {
			same++
		}
		if shortHash(h, L) == shortHash(hk, L) {
			sameKeyed++
		}
	}
	require.Zero(t, same)
	require.Zero(t, sameKeyed)
}
