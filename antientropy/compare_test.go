// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

func testCompareNodes(c *config) []compareNode {
	lo, hi := c.subSpan(rangeNode(5, 7))
	return []compareNode{
		{node: rangeNode(0, 177000)},
		{node: rangeNode(5, 7), parts: []child{
			{node: subsNode(lo, lo+3), fp: 1}, {node: subNode(lo + 4), fp: 2}, {node: subsNode(lo+5, hi), fp: 3},
		}},
		{node: subsNode(885000, 885100), parts: []child{{node: subsNode(885000, 885100), fp: 4}}},
		{node: subNode(885001), have: riceSet([]uint32{3, 1 << 20, 1 << 31, 1<<32 - 1})},
		{node: subNode(885002), parts: bucketParts(subNode(885002), 60)},
	}
}

// bucketParts returns the child buckets of n from the first one on, with
// made-up fingerprints.
func bucketParts(n node, first int) []child {
	var parts []child
	for j := first; j < 1<<hashBits; j++ {
		parts = append(parts, child{node: bucketNode(n, j), fp: fingerprint(j * 3)})
	}
	return parts
}

func TestCompareMessages(t *testing.T) {
	c := testConfig(t)
	c.fp = testFPValue
	nodes := testCompareNodes(c)
	msg := appendCompare(nil, c, 177000, nodes)
	require.Equal(t, len(nodes), compareNodesFit(c, nodes, DefaultMaxMessageSize))
	L, got := readCompare(body(t, msg, msgCompare), c)
	require.Equal(t, int64(177000), L)
	for k := range nodes {
		require.Equal(t, nodes[k].node, got[k].node)
		require.Len(t, got[k].parts, len(nodes[k].parts))
		require.Equal(t, nodes[k].have, got[k].have)
		for j, p := range nodes[k].parts {
			require.Equal(t, p.node, got[k].parts[j].node)
			require.Equal(t, p.fp, got[k].parts[j].fp)
		}
	}
	truncations(t, msg, func(r *reader) { readCompare(r, c) })

	// Parts must tile their node.
	bad := appendCompare(nil, c, 1, []compareNode{{node: rangeNode(5, 7), parts: []child{{node: subsNode(25, 30), fp: 1}}}})
	_, _, r := readHeader(bad, DefaultMaxMessageSize)
	readCompare(r, c)
	require.ErrorIs(t, r.err, ErrMalformed)
	bad = appendCompare(nil, c, 1, []compareNode{{node: subNode(25), parts: []child{{node: subNode(25), fp: 1}}}})
	_, _, r = readHeader(bad, DefaultMaxMessageSize)
	readCompare(r, c)
	require.ErrorIs(t, r.err, ErrMalformed)

	// Short hashes go without parts, and no more than a listing holds.
	for name, cn := range map[string]compareNode{
		"with parts": {node: subNode(25), have: riceSet(make([]uint32, 5)), parts: []child{{node: subNode(25), fp: 1}}},
		"too many":   {node: subNode(25), have: riceSet(make([]uint32, leafEvents+1))},
		"too few":    {node: bucketNode(subNode(25), 3), have: riceSet(make([]uint32, 1))},
	} {
		b := appendHeader(nil, msgCompare, c.hdr())
		b = binary.AppendUvarint(b, zigzag(1))
		b = binary.AppendUvarint(b, 1)
		b = appendNode(b, cn.node)
		if len(cn.parts) > 0 {
			b = binary.AppendUvarint(b, uint64(len(cn.parts))<<1|1)
			b = appendRice(b, cn.have)
			b = appendFP(b, 1)
		} else {
			b = binary.AppendUvarint(b, 1)
			b = appendRice(b, cn.have)
		}
		_, _, r = readHeader(b, DefaultMaxMessageSize)
		readCompare(r, c)
		require.ErrorIs(t, r.err, ErrMalformed, name)
	}
	ok := appendCompare(nil, c, 1, []compareNode{{node: bucketNode(subNode(25), 3), have: riceSet(make([]uint32, 2*leafEvents))}})
	_, _, r = readHeader(ok, DefaultMaxMessageSize)
	_, got = readCompare(r, c)
	require.NoError(t, r.err, "a hash bucket holds twice as many")
	require.Len(t, got[0].have, 2*leafEvents)

	// A reply: answers about parts and about a node without parts.
	ev := event{Key: "demo/a", Timestamp: hlc.Timestamp{Time: c.subStart(885001) + 7, ID: hlc.ID{1}}, Kind: strata.KindPut}
	cr := &compareReply{x: exploreReply{cfg: c}}
	want := [][]partAnswer{
		{{node: nodes[0].node, answer: answer{children: []child{{node: rangeNode(10, 20), fp: 1, count: 100}}}}},
		{{node: nodes[1].parts[0].node, answer: answer{children: []child{{node: subsNode(nodes[1].parts[0].node.lo, nodes[1].parts[0].node.lo+1), fp: 5, count: 50}, {node: subNode(nodes[1].parts[0].node.hi), fp: 6, count: 1}}}},
			{node: nodes[1].parts[2].node, answer: answer{leaf: true, events: []event{}}}},
		{},
		{{node: nodes[3].node, answer: answer{leaf: true, events: []event{ev}}}},
		{{node: nodes[4].parts[2].node, answer: answer{leaf: true, events: []event{}}}},
	}
	idx := func(k int) []int {
		var out []int
		for _, a := range want[k] {
			j := 0
			for j < len(nodes[k].parts) && nodes[k].parts[j].node != a.node {
				j++
			}
			out = append(out, j%max(len(nodes[k].parts), 1))
		}
		return out
	}
	var flat []partAnswer
	for k, as := range want {
		require.True(t, cr.addNode(k, as, idx(k), len(nodes[k].parts), DefaultMaxMessageSize))
		flat = append(flat, as...)
	}
	reply := cr.encode(testHdr)
	consumed, partial, answers := readCompareReply(body(t, reply, msgCompareReply), c, nodes)
	require.Equal(t, len(nodes), consumed)
	require.Zero(t, partial)
	require.Equal(t, flat, answers)
	truncations(t, reply, func(r *reader) { readCompareReply(r, c, nodes) })

	// A reply answers the first nodes whole and the first parts of the
	// next, as many as fit.
	cr = &compareReply{x: exploreReply{cfg: c}}
	require.True(t, cr.addNode(0, want[0], idx(0), 0, 100))
	one := &compareReply{x: exploreReply{cfg: c}}
	require.True(t, one.addNode(0, want[0], idx(0), 0, 100))
	require.True(t, one.addNode(1, want[1][:1], idx(1)[:1], len(nodes[1].parts), 1000))
	require.False(t, cr.addNode(1, want[1], idx(1), len(nodes[1].parts), one.size()))
	consumed, partial, answers = readCompareReply(body(t, cr.encode(testHdr), msgCompareReply), c, nodes)
	require.Equal(t, 1, consumed)
	require.Equal(t, 2, partial, "part 0 answered, part 1 equal, part 2 left")
	require.Equal(t, append(slices.Clone(want[0]), want[1][0]), answers)

	// Answers out of order, twice about one part, or beyond what the
	// reply says it answered are refused.
	for _, bad := range []struct {
		consumed, partial int
		order             [][2]int
	}{
		{2, 0, [][2]int{{1, 2}, {1, 0}}},
		{2, 0, [][2]int{{1, 0}, {1, 0}}},
		{1, 1, [][2]int{{0, 0}, {1, 2}}},
	} {
		b := appendHeader(nil, msgCompareReply, testHdr)
		b = append(b, 0) // no clock IDs
		b = binary.AppendUvarint(b, uint64(bad.consumed))
		b = binary.AppendUvarint(b, uint64(bad.partial))
		b = binary.AppendUvarint(b, uint64(len(bad.order)))
		prev := 0
		for _, o := range bad.order {
			b = binary.AppendUvarint(b, uint64(o[0]-prev))
			b = binary.AppendUvarint(b, uint64(o[1]))
			b = append(b, 0, 0) // an empty leaf
			prev = o[0]
		}
		_, _, r := readHeader(b, DefaultMaxMessageSize)
		readCompareReply(r, c, nodes)
		require.ErrorIs(t, r.err, ErrMalformed, "%+v", bad)
	}
}

// Groups of sub-intervals: their sums are the log's, and tiled groups
// cover their span.
func TestSubGroups(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		// Dense at first, then sparse, as a long history is.
		sec := float64(i) * 0.1
		if i > 2500 {
			sec = 250 + float64(i-2500)*7
		}
		l.observe(strata.Sample{Key: fmt.Sprintf("k/%d", i), Timestamp: ts(sec+r.Float64()*0.1, 1), Kind: strata.Kind(1 + r.IntN(2))})
	}
	L := c.intervalOf(t0) + 5000
	span := rangeNode(c.intervalOf(t0)-3, c.intervalOf(t0)+2000)
	lo, hi := c.subSpan(span)
	_, total := l.nodeSums(span, L)
	for _, groups := range []int{1, 2, 7, 32, 64, 10000} {
		for _, tile := range []bool{false, true} {
			l.mu.Lock()
			kids := l.subGroupsLocked(lo, hi, L, groups, tile)
			l.mu.Unlock()
			require.LessOrEqual(t, len(kids), groups)
			sum, next := 0, lo
			for k, kid := range kids {
				fp, n := l.nodeSums(kid.node, L)
				require.Equal(t, fp, kid.fp, "group %d of %d", k, groups)
				require.Equal(t, n, kid.count)
				require.Positive(t, n)
				klo, khi := c.subSpan(kid.node)
				require.GreaterOrEqual(t, klo, next)
				if tile {
					require.Equal(t, next, klo)
				}
				next = khi + 1
				sum += n
			}
			require.Equal(t, total, sum)
			if tile {
				require.Equal(t, hi+1, next)
			}
			if groups == 7 {
				for _, kid := range kids {
					require.Less(t, kid.count, 2*total/groups, "groups of about equal counts")
				}
			}
		}
	}
	// Parts of a node reach the responder's leaves, or are as many as
	// maxParts.
	for _, count := range []int{0, 40, 41, 1280, 1281, 100_000, 1_000_000, 1 << 30} {
		p := partsFor(count)
		switch {
		case count <= leafEvents:
			require.Zero(t, p)
		case count <= partEvents*maxParts:
			require.LessOrEqual(t, (count+p-1)/p, partEvents)
		default:
			require.True(t, p >= 2 && p <= maxParts)
		}
	}
}
