// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// checkTimeIndex verifies the structure of the tree: keys in order, every
// inner node's sums and greatest keys those of its children, no empty
// node below the root, and returns the references in key order.
func checkTimeIndex(t *testing.T, x *timeIndex) []uint32 {
	t.Helper()
	var refs []uint32
	var walk func(n *tnode, depth int) int
	leafDepth := -1
	walk = func(n *tnode, depth int) int {
		if n.leaf() {
			if leafDepth < 0 {
				leafDepth = depth
			}
			require.Equal(t, leafDepth, depth, "leaves at one depth")
			require.LessOrEqual(t, len(n.refs), leafCap)
			refs = append(refs, n.refs...)
			return len(n.refs)
		}
		require.NotEmpty(t, n.kids)
		require.LessOrEqual(t, len(n.kids), innerCap)
		require.Len(t, n.sums, len(n.kids))
		require.Len(t, n.last, len(n.kids))
		total := 0
		for i, kid := range n.kids {
			require.NotZero(t, kid.size(), "empty node")
			total += walk(kid, depth+1)
			require.Equal(t, x.summarize(kid), n.sums[i])
			require.Equal(t, x.lastOf(kid), n.last[i])
		}
		return total
	}
	walk(x.root, 0)
	for i := 1; i < len(refs); i++ {
		require.True(t, x.keyOf(refs[i-1]).less(x.keyOf(refs[i])), "keys in order at %d", i)
	}
	return refs
}

// The time index against a sorted slice, through inserts in time order
// (the common case), at random times, and removals that empty whole
// regions: same order, same prefix sums, same ranks.
func TestTimeIndexMatchesModel(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	r := rand.New(rand.NewPCG(5, 6))
	live := map[string]bool{}
	check := func() {
		refs := checkTimeIndex(t, &l.time)
		require.Len(t, refs, len(live))
		var want sums
		puts := 0
		for i, ref := range refs {
			k := l.time.keyOf(ref)
			require.Equal(t, want, l.time.prefix(k), "prefix before %d", i)
			require.Equal(t, ref, l.time.nth(i, false))
			if !l.at(ref).isDelete() {
				require.Equal(t, ref, l.time.nth(puts, true))
				puts++
			}
			want.addEntry(l.at(ref), +1)
		}
		require.Equal(t, want, l.time.prefix(endKey))
		require.Zero(t, l.time.nth(len(refs), false))
		require.Zero(t, l.time.nth(puts, true))
	}
	at := func(sec float64) hlc.Timestamp { return ts(sec, byte(1+r.IntN(2))) }
	for i := range 5000 { // in time order
		key := fmt.Sprint("k/", i)
		l.observe(strata.Sample{Key: key, Timestamp: at(float64(i) / 10), Kind: strata.Kind(1 + r.IntN(2))})
		live[key] = true
	}
	check()
	for round := range 10 {
		for range 2000 { // newer versions at random times, new keys
			key := fmt.Sprint("k/", r.IntN(7000))
			l.observe(strata.Sample{Key: key, Timestamp: at(500 + float64(round)*100 + r.Float64()*100), Kind: strata.Kind(1 + r.IntN(2))})
			live[key] = true
		}
		// Remove a run of consecutive events, then scattered ones.
		refs := checkTimeIndex(t, &l.time)
		start := r.IntN(len(refs))
		doomed := slices.Clone(refs[start:min(len(refs), start+r.IntN(600))])
		for range 300 {
			doomed = append(doomed, refs[r.IntN(len(refs))])
		}
		l.mu.Lock()
		for _, ref := range doomed {
			if e := l.at(ref); e.key != "" {
				delete(live, e.key)
				l.remove(ref)
			}
		}
		l.mu.Unlock()
		check()
	}
	// Empty it.
	l.mu.Lock()
	for _, ref := range checkTimeIndex(t, &l.time) {
		l.remove(ref)
	}
	l.mu.Unlock()
	require.True(t, l.time.root.leaf())
	require.Empty(t, l.time.root.refs)
	require.Equal(t, sums{}, l.time.prefix(endKey))
}

// Events written in time order fill the leaves: the tree takes about 5
// bytes an event.
func TestTimeIndexFullInOrder(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	const n = 100_000
	for i := range n {
		l.observe(strata.Sample{Key: fmt.Sprint("k/", i), Timestamp: ts(float64(i)/100, 1), Kind: strata.KindPut})
	}
	leaves := 0
	var walk func(*tnode)
	walk = func(x *tnode) {
		if x.leaf() {
			leaves++
			return
		}
		for _, k := range x.kids {
			walk(k)
		}
	}
	walk(l.time.root)
	require.LessOrEqual(t, leaves, n/leafCap+2, "leaves are full")
}

// subKey is exact: the events of sub-interval s and later are at or
// after it, earlier ones before it, whatever the rounding of times.
func TestSubKeyExact(t *testing.T) {
	c := testConfig(t)
	r := rand.New(rand.NewPCG(7, 8))
	for range 10000 {
		tm := hlc.NTP64(r.Uint64() >> 1)
		s := c.subOf(tm)
		require.False(t, (tkey{time: tm, ref: 1}).less(c.subKey(s)), "time %d of sub %d before its key", tm, s)
		require.True(t, (tkey{time: tm, ref: 1}).less(c.subKey(s+1)), "time %d of sub %d after the next key", tm, s)
		k := c.subKey(s)
		require.Equal(t, s, c.subOf(k.time))
		if k.time > 0 {
			require.Less(t, c.subOf(k.time-1), s)
		}
	}
	require.Equal(t, tkey{}, c.subKey(-5))
	require.Equal(t, endKey, c.subKey(1<<62))
}

// cutLocked makes runs that hold every event that counts, in order,
// within the units asked, about evenly, and that tile the units when
// asked to.
func TestCutRuns(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 3000 {
		// Crowded at 100 s, sparse elsewhere, with deletes.
		sec := 100 + r.Float64()*0.01
		if i%3 == 0 {
			sec = r.Float64() * 5000
		}
		l.observe(strata.Sample{Key: fmt.Sprint("k/", i), Timestamp: ts(sec, 1), Kind: strata.Kind(1 + r.IntN(2))})
	}
	per := int64(c.SubIntervals)
	first, last := c.intervalOf(t0), c.intervalOf(t0)+600
	for _, L := range []int64{last + 1, last + c.expiry + 100} {
		for _, tile := range []bool{false, true} {
			for _, groups := range []int{1, 2, 7, 64} {
				l.mu.Lock()
				runs := l.cutLocked(first, last, per, L, groups, tile)
				wantFP, wantN := l.nodeSumsLocked(rangeNode(first, last), L)
				l.mu.Unlock()
				require.NotEmpty(t, runs)
				require.LessOrEqual(t, len(runs), groups)
				var fp fingerprint
				n := 0
				for k, g := range runs {
					require.LessOrEqual(t, g.first, g.last)
					require.Positive(t, g.count)
					gfp, gn := l.nodeSums(rangeNode(g.first, g.last), L)
					require.Equal(t, gfp, g.fp)
					require.Equal(t, gn, g.count)
					if k > 0 {
						require.Greater(t, g.first, runs[k-1].last)
						if tile {
							require.Equal(t, runs[k-1].last+1, g.first)
						}
					}
					fp += g.fp
					n += g.count
				}
				require.Equal(t, wantFP, fp)
				require.Equal(t, wantN, n)
				if tile {
					require.Equal(t, first, runs[0].first)
					require.Equal(t, last, runs[len(runs)-1].last)
				}
			}
		}
	}
}

// The digest, computed from prefix sums at its bounds, says what the
// sums of each of its nodes say, also where deletes stop counting
// within the warm and hot eras.
func TestDigestMatchesNodeSums(t *testing.T) {
	c := testConfig(t)
	c.expiry = 20 // deletes stop counting within the warm era
	l := newEventLog(c)
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 4000 {
		l.observe(strata.Sample{Key: fmt.Sprint("k/", i), Timestamp: ts(r.Float64()*500, 1), Kind: strata.Kind(1 + r.IntN(2))})
	}
	base := c.intervalOf(t0)
	for _, L := range []int64{base + 3, base + 30, base + 45, base + 60, base + 200} {
		d := l.digest(L)
		e := c.eraAt(L)
		fp, _ := l.nodeSums(rangeNode(0, e.coldEnd), L)
		require.Equal(t, fp, d.cold, "L %d", L)
		for k, got := range d.warm {
			i := e.coldEnd + 1 + int64(k)
			fp, _ := l.nodeSums(rangeNode(i, i), L)
			require.Equal(t, fp, got, "L %d warm %d", L, k)
		}
		for k, got := range d.hot {
			fp, _ := l.nodeSums(subNode(c.firstSub(e.hotStart)+int64(k)), L)
			require.Equal(t, fp, got, "L %d hot %d", L, k)
		}
	}
}
