// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
)

// The hash index of a crowded sub-interval, updated as events come, move
// away and leave, gives the same bucket sums and listings as hashing
// every event again.
func TestHashIndexUpdates(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	r := rand.New(rand.NewPCG(3, 4))
	s := c.subOf(ts(0, 1).Time)
	L := c.intervalOf(t0) + 10
	brute := func(n node) (fps [1 << 6]fingerprint, counts [1 << 6]int, listed int) {
		l.time.ascendRange(c.subKey(s), c.subKey(s+1), nil, func(ref uint32) bool {
			h := l.hashOf(l.at(ref))
			if n.matches(h) {
				j := h << n.bits >> 58
				fps[j] += h
				counts[j]++
				listed++
			}
			return true
		})
		return
	}
	for i := range 3000 {
		l.observe(strata.Sample{Key: fmt.Sprintf("k/%d", i), Timestamp: ts(r.Float64()*0.5, 1), Kind: strata.KindPut})
	}
	for round := range 20 {
		for range 50 {
			key := fmt.Sprintf("k/%d", r.IntN(3500))
			at := r.Float64() * 0.5 // the same sub-interval
			if r.IntN(4) == 0 {
				at = 5 + r.Float64() // another one
			}
			l.observe(strata.Sample{Key: key, Timestamp: ts(at+float64(round), 2), Kind: strata.KindPut})
		}
		if round%5 == 0 {
			l.mu.Lock()
			l.remove(l.time.first(c.subKey(s)))
			l.mu.Unlock()
		}
		for _, n := range []node{subNode(s), bucketNode(subNode(s), r.IntN(64))} {
			wantFPs, wantCounts, listed := brute(n)
			fps, counts := l.bucketSums(n, L)
			require.Equal(t, wantFPs, fps, "round %d", round)
			require.Equal(t, wantCounts, counts, "round %d", round)
			l.mu.Lock()
			got := 0
			l.forEachLocked(n, L, func(int64, *entry, uint64) { got++ })
			l.mu.Unlock()
			require.Equal(t, listed, got)
		}
	}
	require.NotNil(t, l.crowded[s], "the sub-interval is crowded and indexed")
}

// An answer that names the one sub-interval of a node holding events
// and lists its hash buckets decodes as it was encoded; a sub-interval
// outside the node is refused.
func TestWithinAnswer(t *testing.T) {
	c := testConfig(t)
	parent := rangeNode(177000, 177001)
	s := subNode(c.firstSub(177001) + 2)
	a := answer{within: &s, children: []child{{node: bucketNode(s, 3), fp: 9, count: 100}, {node: bucketNode(s, 60), fp: 8, count: 41}}}
	x := exploreReply{cfg: c}
	x.appendAnswer(parent, a)
	r := newReader(x.body)
	got, ok := readAnswer(r, c, nil, parent)
	require.True(t, ok, "%v", r.err)
	require.Equal(t, a, got)
	require.Equal(t, s, got.parentOf(parent))

	x = exploreReply{cfg: c}
	x.appendAnswer(rangeNode(177000, 177003), a)
	r = newReader(x.body)
	_, ok = readAnswer(r, c, nil, rangeNode(177000, 177000))
	require.False(t, ok)
	require.ErrorIs(t, r.err, ErrMalformed)
}

// The fuzz seeds decode: they reach past the header into every body.
func TestFuzzSeedsDecode(t *testing.T) {
	c := testConfig(t)
	nodes := testNodes()
	for k, seed := range fuzzSeeds(t) {
		kind, _, r := readHeader(seed, DefaultMaxMessageSize)
		switch kind {
		case msgExploreReply:
			require.Len(t, readExploreReply(r, c, nodes), 3)
		case msgCompareReply:
			consumed, _, answers := readCompareReply(r, c, testCompareNodes(c))
			require.Equal(t, 2, consumed)
			require.Len(t, answers, 2)
		default:
			continue
		}
		require.NoError(t, r.err, "seed %d", k)
	}
}
