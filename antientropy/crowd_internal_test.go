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

// Pages through crowded sub-intervals come from their index by key: in
// page order, each event that stays put seen once, while writes land
// in the crowded sub-interval, leave it and delete in it between pages.
func TestPagesOfCrowdedSubInterval(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 6000 {
		sec := 10 + r.Float64()*0.5 // one sub-interval
		if i%10 == 0 {
			sec = r.Float64() * 300 // sparse around it
		}
		l.observe(strata.Sample{Key: fmt.Sprintf("k/%05d", i), Timestamp: ts(sec, 1), Kind: strata.KindPut})
	}
	L := c.intervalOf(t0) + 100
	n := rangeNode(0, L)
	stable := map[string]bool{}
	for i := range 6000 {
		stable[fmt.Sprintf("k/%05d", i)] = true
	}
	seen := map[string]int{}
	var cur cursor
	pages := 0
	for {
		evs, subs, more := l.pageEvents(n, L, cur, 128)
		pages++
		for k, ev := range evs {
			if cur.started {
				require.True(t, subs[k] > cur.sub || (subs[k] == cur.sub && ev.Key > cur.key), "page order at %s", ev.Key)
			}
			cur = cursor{started: true, sub: subs[k], key: ev.Key}
			seen[ev.Key]++
		}
		if !more {
			break
		}
		// Writes between pages: into the crowded sub-interval, out of
		// it, deletes in it. Those keys leave the stable set.
		for range 20 {
			key := fmt.Sprintf("k/%05d", r.IntN(6500))
			delete(stable, key)
			sec, kind := 10+r.Float64()*0.5, strata.KindPut
			switch r.IntN(3) {
			case 0:
				sec = 400 + float64(pages)
			case 1:
				kind = strata.KindDelete
			}
			l.observe(strata.Sample{Key: key, Timestamp: ts(sec, byte(2+pages%200)), Kind: kind})
		}
	}
	require.Greater(t, len(stable), 5000)
	for key := range stable {
		require.Equal(t, 1, seen[key], "%s, which stayed put, seen %d times", key, seen[key])
	}
	require.Greater(t, pages, 6000/128)
	x := l.crowded[c.subOf(ts(10, 1).Time)]
	require.NotNil(t, x)
	require.NotNil(t, x.byKey, "the crowded sub-interval is indexed by key")
}
