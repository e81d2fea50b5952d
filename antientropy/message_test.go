// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

const testFPValue = 0x1234567890abcdef

var testHdr = hdr{fp: testFPValue, limit: DefaultMaxMessageSize}

func body(t testing.TB, msg []byte, want msgKind) *reader {
	t.Helper()
	kind, fp, r := readHeader(msg, DefaultMaxMessageSize)
	require.NoError(t, r.err)
	require.Equal(t, want, kind)
	require.Equal(t, uint64(testFPValue), fp)
	return r
}

// truncations checks that every strict prefix of msg fails to decode
// with ErrMalformed, without panicking.
func truncations(t *testing.T, msg []byte, decode func(*reader)) {
	t.Helper()
	for n := headerSize; n < len(msg); n++ {
		_, _, r := readHeader(msg[:n], DefaultMaxMessageSize)
		decode(r)
		r.end()
		require.ErrorIs(t, r.err, ErrMalformed, "prefix of %d bytes of %d", n, len(msg))
	}
}

func TestDigestMessage(t *testing.T) {
	d := digest{L: 177000, cold: 5, warm: make([]fingerprint, 30), hot: make([]fingerprint, 30)}
	d.warm[3], d.hot[29] = 1<<63, 42
	msg := appendDigest(nil, testHdr, d)
	require.LessOrEqual(t, len(msg), digestSizeBound(30, 30))
	got := readDigest(body(t, msg, msgDigest), 30, 30)
	require.True(t, d.equal(got), "%+v", got)
	require.Len(t, msg, len(appendHeader(nil, 0, testHdr))+3+1+1+8+3*8, "zero fingerprints cost one bit")

	_, _, r := readHeader(msg, DefaultMaxMessageSize)
	readDigest(r, 30, 31)
	require.ErrorIs(t, r.err, ErrMalformed, "another era shape")
	truncations(t, msg, func(r *reader) { readDigest(r, 30, 30) })

	_, _, r = readHeader(msg, len(msg)-1)
	require.ErrorIs(t, r.err, ErrMalformed, "over the size bound")
	bad := append([]byte{9}, msg[1:]...)
	_, _, r = readHeader(bad, DefaultMaxMessageSize)
	require.ErrorIs(t, r.err, ErrMalformed, "another version")
}

func testNodes() []node {
	return []node{rangeNode(0, 177000), rangeNode(5, 5), subNode(885000),
		{kind: nodeSub, lo: 885001, hi: 885001, bits: 12, prefix: 0xabc}}
}

func TestExploreMessages(t *testing.T) {
	c := testConfig(t)
	nodes := testNodes()
	msg := appendExplore(nil, testHdr, 177000, nodes)
	L, got := readExplore(body(t, msg, msgExplore))
	require.Equal(t, int64(177000), L)
	require.Equal(t, nodes, got)
	truncations(t, msg, func(r *reader) { readExplore(r) })

	answers := []answer{
		{children: []child{{node: rangeNode(10, 20), fp: 1, count: 100}, {node: rangeNode(30, 30), fp: 2, count: 50}}},
		{children: []child{{node: subNode(26), fp: 3, count: 60}, {node: subNode(29), fp: 4, count: 1}}},
		{leaf: true, events: []event{
			{Key: "demo/*", Timestamp: hlc.Timestamp{Time: c.subStart(885000) + 99, ID: hlc.ID{1}}, Kind: strata.KindDelete},
			{Key: "demo/a", Timestamp: hlc.Timestamp{Time: c.subStart(885000) + 77, ID: hlc.ID{1}}, Kind: strata.KindPut},
			{Key: "demo/ab", Timestamp: hlc.Timestamp{Time: c.subStart(885000) + 5, ID: hlc.ID{2, 3}}, Kind: strata.KindDelete},
		}},
		{children: []child{{node: node{kind: nodeSub, lo: 885001, hi: 885001, bits: 18, prefix: 0xabc<<6 | 63}, fp: 5, count: 41}}},
	}
	x := &exploreReply{cfg: c}
	for k, a := range answers {
		require.True(t, x.add(nodes[k], a, DefaultMaxMessageSize))
	}
	reply := x.encode(testHdr)
	require.Equal(t, answers, readExploreReply(body(t, reply, msgExploreReply), c, nodes))
	truncations(t, reply, func(r *reader) { readExploreReply(r, c, nodes) })

	// A reply only answers what fits.
	x = &exploreReply{cfg: c}
	require.True(t, x.add(nodes[0], answers[0], 100))
	require.False(t, x.add(nodes[1], answers[1], 60))
	got2 := readExploreReply(body(t, x.encode(testHdr), msgExploreReply), c, nodes)
	require.Equal(t, answers[:1], got2)
}

func TestFetchMessages(t *testing.T) {
	keys := []string{"demo/a", "demo/a/b", "demo/b", "x"}
	msg := appendFetch(nil, testHdr, keys)
	require.Equal(t, keys, readFetch(body(t, msg, msgFetch)))
	truncations(t, msg, func(r *reader) { readFetch(r) })
	require.Equal(t, 2, fetchKeysFit(keys, headerSize+10+8+4))

	samples := []strata.Sample{
		{Key: "demo/a", Value: []byte("1"), Encoding: "text/plain", Timestamp: hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{1}}, Kind: strata.KindPut},
		{Key: "demo/a/b", Value: []byte{}, Timestamp: hlc.Timestamp{Time: 1<<40 - 1000, ID: hlc.ID{15: 1}}, Kind: strata.KindPut},
		{Key: "demo/b", Timestamp: hlc.Timestamp{Time: 1 << 41, ID: hlc.ID{1}}, Kind: strata.KindDelete},
	}
	w := newSampleWriter()
	for k := range samples {
		w.add(&samples[k])
	}
	big := strata.Sample{Key: "demo/big", Value: make([]byte, 5<<20), Timestamp: hlc.Timestamp{Time: 7, ID: hlc.ID{2}}, Kind: strata.KindPut}
	w.addLarge(&big, len(big.Value))
	reply := appendFetchReply(nil, testHdr, 4, w)
	require.LessOrEqual(t, len(reply), headerSize+10+w.size())
	consumed, got, large := readFetchReply(body(t, reply, msgFetchReply), 4)
	require.Equal(t, 4, consumed)
	require.Equal(t, samples, got)
	require.Equal(t, []largeValue{{key: "demo/big", ts: big.Timestamp, size: 5 << 20}}, large)
	truncations(t, reply, func(r *reader) { readFetchReply(r, 4) })
	_, _, r := readHeader(reply, DefaultMaxMessageSize)
	readFetchReply(r, 3)
	require.ErrorIs(t, r.err, ErrMalformed, "consumed more keys than asked")
}

func TestChunkMessages(t *testing.T) {
	ts := hlc.Timestamp{Time: 12345, ID: hlc.ID{3, 4}}
	msg := appendChunk(nil, testHdr, "demo/big", ts, 1<<20)
	key, gotTS, offset := readChunk(body(t, msg, msgChunk))
	require.Equal(t, "demo/big", key)
	require.Equal(t, ts, gotTS)
	require.Equal(t, 1<<20, offset)
	truncations(t, msg, func(r *reader) { readChunk(r) })
}

func TestPullMessages(t *testing.T) {
	nodes := testNodes()
	for _, cur := range []pullCursor{{}, {node: 2, cursor: cursor{started: true, sub: 885000, key: "demo/k"}}} {
		msg := appendPull(nil, testHdr, 177000, cur, nodes, true)
		L, gotCur, gotNodes, eventsOnly := readPull(body(t, msg, msgPull))
		require.True(t, eventsOnly)
		require.Equal(t, int64(177000), L)
		require.Equal(t, cur, gotCur)
		require.Equal(t, nodes, gotNodes)
		truncations(t, msg, func(r *reader) { readPull(r) })
	}
	w := newSampleWriter()
	for i := range 3 {
		w.add(&strata.Sample{Key: fmt.Sprint("demo/k/", i), Value: []byte("v"), Timestamp: hlc.Timestamp{Time: hlc.NTP64(1000 + i), ID: hlc.ID{1}}, Kind: strata.KindPut})
	}
	next := pullCursor{node: 1, cursor: cursor{started: true, sub: 7, key: "demo/k/2"}}
	for _, nx := range []*pullCursor{nil, &next} {
		reply := appendPullReply(nil, testHdr, w, nx)
		samples, _, got := readPullReply(body(t, reply, msgPullReply), len(nodes), false)
		require.Len(t, samples, 3)
		require.Equal(t, nx, got)
		truncations(t, reply, func(r *reader) { readPullReply(r, len(nodes), false) })
	}
}

// Counts that the input cannot hold are refused before anything is
// allocated for them.
func TestHostileCounts(t *testing.T) {
	msg := appendHeader(nil, msgFetch, testHdr)
	msg = append(msg, 0xff, 0xff, 0xff, 0xff, 0x0f) // 4 G keys in 0 bytes
	r := body(t, msg, msgFetch)
	require.Empty(t, readFetch(r))
	require.ErrorIs(t, r.err, ErrMalformed)

	// Keys that share a long prefix cannot expand without bound.
	long := make([]byte, 60000)
	for i := range long {
		long[i] = 'a'
	}
	msg = appendHeader(nil, msgFetch, testHdr)
	msg = append(msg, 0x80, 0x80, 0x01) // 16384 keys
	msg = appendKey(msg, "", string(long))
	for range 16383 {
		msg = append(msg, 0xe0, 0xd4, 0x03, 0) // the whole prefix, no suffix
	}
	r = body(t, msg, msgFetch)
	require.Empty(t, readFetch(r))
	require.ErrorIs(t, r.err, ErrMalformed)
}
