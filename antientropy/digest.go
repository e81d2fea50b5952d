// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"slices"
)

// digest is what a replica publishes once per interval: at reference L,
// one fingerprint for the cold era, one per warm interval, one per hot
// sub-interval.
type digest struct {
	L    int64
	cold fingerprint
	warm []fingerprint // intervals coldEnd+1 … hotStart-1
	hot  []fingerprint // sub-intervals of intervals hotStart … L

	limit int // the sender's message limit, from the header (not compared)
}

// digest computes the log's digest at reference L. The warm and hot
// fingerprints are differences of the prefix sums at their bounds, one
// descent of the time index per bound, where deletes count (as they do
// in the latest intervals, unless the tombstone lifespan is shorter than
// the warm and hot eras).
func (l *eventLog) digest(L int64) digest {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.cfg
	e := c.eraAt(L)
	d := digest{L: L, warm: make([]fingerprint, c.Warm), hot: make([]fingerprint, c.Hot*c.SubIntervals)}
	d.cold, _ = l.nodeSumsLocked(rangeNode(0, e.coldEnd), L)
	dk := l.deleteKey(L)
	var prev sums
	var prevKey tkey
	// fill sets *fp to the fingerprint of the sub-intervals lo..hi, at
	// reference L, given that lo follows the previous call's hi.
	fill := func(fp *fingerprint, lo, hi int64) {
		from, to := c.subKey(lo), c.subKey(hi+1)
		if from != prevKey {
			prev = l.time.prefix(from)
		}
		next := l.time.prefix(to)
		if !from.less(dk) {
			s := next
			s.minus(&prev)
			*fp = s.put + s.del
		} else {
			*fp, _ = l.sumsAt(from, to, L)
		}
		prev, prevKey = next, to
	}
	for k := range d.warm {
		i := e.coldEnd + 1 + int64(k)
		fill(&d.warm[k], c.firstSub(i), c.firstSub(i+1)-1)
	}
	first := c.firstSub(e.hotStart)
	for k := range d.hot {
		s := first + int64(k)
		fill(&d.hot[k], s, s)
	}
	return d
}

// diff returns the nodes where the peer's digest differs from ours; both
// were computed at the same reference and configuration.
func (c *config) diff(ours, peer digest) []node {
	e := c.eraAt(peer.L)
	var nodes []node
	if ours.cold != peer.cold {
		nodes = append(nodes, rangeNode(0, e.coldEnd))
	}
	for k := range peer.warm {
		if k < len(ours.warm) && ours.warm[k] != peer.warm[k] {
			i := e.coldEnd + 1 + int64(k)
			nodes = append(nodes, rangeNode(i, i))
		}
	}
	first := c.firstSub(e.hotStart)
	for k := range peer.hot {
		if k < len(ours.hot) && ours.hot[k] != peer.hot[k] {
			nodes = append(nodes, subNode(first+int64(k)))
		}
	}
	return nodes
}

func (d digest) equal(o digest) bool {
	return d.L == o.L && d.cold == o.cold && slices.Equal(d.warm, o.warm) && slices.Equal(d.hot, o.hot)
}

// digestSizeBound is the largest encoding of a digest.
func digestSizeBound(hot, warm int) int {
	n := 1 + warm + hot
	return headerSize + 2*binary.MaxVarintLen64 + 2*3 + (n+7)/8 + 8*n
}

// appendDigest encodes d: L, then the warm and hot counts, a bitmap of the
// non-zero fingerprints among cold, warm and hot, and those fingerprints.
func appendDigest(b []byte, h hdr, d digest) []byte {
	b = appendHeader(b, msgDigest, h)
	b = binary.AppendUvarint(b, zigzag(d.L))
	b = binary.AppendUvarint(b, uint64(len(d.warm)))
	b = binary.AppendUvarint(b, uint64(len(d.hot)))
	all := make([]fingerprint, 0, 1+len(d.warm)+len(d.hot))
	all = append(append(append(all, d.cold), d.warm...), d.hot...)
	bitmap := make([]byte, (len(all)+7)/8)
	for i, fp := range all {
		if fp != 0 {
			bitmap[i/8] |= 1 << (i % 8)
		}
	}
	b = append(b, bitmap...)
	for _, fp := range all {
		if fp != 0 {
			b = appendFP(b, fp)
		}
	}
	return b
}

// readDigest decodes a digest body for the given era parameters.
func readDigest(r *reader, warm, hot int) digest {
	d := digest{L: unzigzag(r.uvarint())}
	if nw, nh := r.int(warm), r.int(hot); r.err == nil && (nw != warm || nh != hot) {
		r.fail("digest of %d warm and %d hot fingerprints, want %d and %d", nw, nh, warm, hot)
		return digest{}
	}
	if r.err != nil {
		return digest{}
	}
	n := 1 + warm + hot
	bitmap := r.bytes((n + 7) / 8)
	all := make([]fingerprint, n)
	for i := range all {
		if r.err == nil && bitmap[i/8]&(1<<(i%8)) != 0 {
			all[i] = r.fp()
		}
	}
	r.end()
	if r.err != nil {
		return digest{}
	}
	d.cold, d.warm, d.hot = all[0], all[1:1+warm], all[1+warm:]
	return d
}
