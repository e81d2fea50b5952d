// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"fmt"

	"github.com/stratakv/strata/hlc"
)

// An explore request asks a peer about nodes at a reference L; its reply
// answers the first of them, in order, as many as fit in a message: for
// each, its events (a leaf) or the fingerprints and event counts of its
// non-empty children. Children are written relative to their parent: a
// hash bucket or a sub-interval by its index, a range of intervals by its
// distance from the previous one and its length.

func appendExplore(b []byte, h hdr, L int64, nodes []node) []byte {
	b = appendHeader(b, msgExplore, h)
	b = binary.AppendUvarint(b, zigzag(L))
	b = binary.AppendUvarint(b, uint64(len(nodes)))
	for _, n := range nodes {
		b = appendNode(b, n)
	}
	return b
}

func readExplore(r *reader) (int64, []node) {
	L := unzigzag(r.uvarint())
	nodes := readNodes(r)
	r.end()
	return L, nodes
}

// exploreNodesFit returns how many of nodes an explore request of at most
// maxSize bytes holds.
func exploreNodesFit(nodes []node, maxSize int) int {
	size := headerSize + 2*binary.MaxVarintLen64
	for k, n := range nodes {
		size += len(appendNode(nil, n))
		if size > maxSize {
			return k
		}
	}
	return len(nodes)
}

// exploreReply encodes answers of a responder.
type exploreReply struct {
	cfg  *config
	ids  idTable
	body []byte
	n    int
}

// add appends the answer about n, unless the reply would exceed maxSize.
func (x *exploreReply) add(n node, a answer, maxSize int) bool {
	m := x.mark()
	x.appendAnswer(n, a)
	if headerSize+x.ids.size()+3+len(x.body) > maxSize {
		x.rollback(m)
		return false
	}
	x.n++
	return true
}

// replyMark is a state of an exploreReply to roll back to.
type replyMark struct{ body, ids, n int }

func (x *exploreReply) mark() replyMark {
	return replyMark{body: len(x.body), ids: len(x.ids.ids), n: x.n}
}

func (x *exploreReply) rollback(m replyMark) {
	x.body = x.body[:m.body]
	for _, id := range x.ids.ids[m.ids:] {
		delete(x.ids.index, id)
	}
	x.ids.ids = x.ids.ids[:m.ids]
	x.n = m.n
}

// appendAnswer appends the answer about n to the body.
func (x *exploreReply) appendAnswer(n node, a answer) {
	if a.leaf {
		x.body = append(x.body, 0)
		x.body = binary.AppendUvarint(x.body, uint64(len(a.events)))
		w := eventWriter{ids: &x.ids, prevTime: x.cfg.nodeStart(n)}
		for _, ev := range a.events {
			x.body = w.appendEvent(x.body, ev.Key, ev.Timestamp, ev.Kind)
		}
	} else {
		if a.within != nil {
			// Tag 2: the sub-interval (from the node's first), then its
			// hash buckets as children.
			lo, _ := x.cfg.subSpan(n)
			x.body = append(x.body, 2)
			x.body = binary.AppendUvarint(x.body, uint64(a.within.lo-lo))
			n = *a.within
		} else {
			x.body = append(x.body, 1)
		}
		x.body = binary.AppendUvarint(x.body, uint64(len(a.children)))
		next := n.lo
		for _, c := range a.children {
			switch {
			case n.kind == nodeSub:
				x.body = append(x.body, byte(c.node.prefix&(1<<hashBits-1)))
			case n.kind == nodeRange && n.lo == n.hi:
				x.body = binary.AppendUvarint(x.body, uint64(c.node.lo-x.cfg.firstSub(n.lo)))
			default:
				x.body = binary.AppendUvarint(x.body, uint64(c.node.lo-next))
				x.body = binary.AppendUvarint(x.body, uint64(c.node.hi-c.node.lo))
				next = c.node.hi + 1
			}
			x.body = appendFP(x.body, c.fp)
			x.body = binary.AppendUvarint(x.body, uint64(c.count))
		}
	}
}

func (x *exploreReply) encode(h hdr) []byte {
	b := appendHeader(make([]byte, 0, headerSize+x.ids.size()+3+len(x.body)), msgExploreReply, h)
	b = x.ids.append(b)
	b = binary.AppendUvarint(b, uint64(x.n))
	return append(b, x.body...)
}

// answerBudget is the size an answer about one node may take in a reply
// of at most limit bytes: the rest is for the reply's own fields.
func answerBudget(limit int) int { return limit - 4*binary.MaxVarintLen64 }

// readExploreReply decodes the answers about the first of nodes.
func readExploreReply(r *reader, c *config, nodes []node) []answer {
	ids := readIDs(r)
	n := r.int(len(nodes))
	out := make([]answer, 0, n)
	for k := range n {
		a, ok := readAnswer(r, c, ids, nodes[k])
		if !ok {
			return nil
		}
		out = append(out, a)
	}
	r.end()
	return out
}

// readAnswer decodes the answer about parent, strictly: a listing holds
// at most leafLimit events (unless parent is a hash bucket that cannot
// be split further), in strictly increasing key order, each in parent's
// time span and hash bucket; children are in strictly increasing order,
// inside parent, at most maxChildren of them, none empty.
func readAnswer(r *reader, c *config, ids []hlc.ID, parent node) (answer, bool) {
	var a answer
	switch tag := r.byte(); tag {
	case 0:
		a.leaf = true
		cnt := r.count(4)
		if cnt > leafLimit(parent) && (parent.kind != nodeSub || parent.bits < maxHashBits) && r.err == nil {
			r.fail("a listing of %d events", cnt)
		}
		a.events = make([]event, 0, cnt)
		er := eventReader{ids: ids, prevTime: c.nodeStart(parent)}
		first, last := c.subSpan(parent)
		var scratch []byte
		for range cnt {
			key, ts, kind := er.read(r)
			if r.err != nil {
				return answer{}, false
			}
			switch s := c.subOf(ts.Time); {
			case len(a.events) > 0 && key <= a.events[len(a.events)-1].Key:
				r.fail("listing not in strictly increasing key order at %q", key)
			case s < first || s > last:
				r.fail("event of %q in sub-interval %d, outside %d-%d", key, s, first, last)
			case parent.bits > 0:
				var h uint64
				if h, scratch = c.eventHash(scratch, key, ts, kind); !parent.matches(h) {
					r.fail("event of %q outside its hash bucket", key)
				}
			}
			if r.err != nil {
				return answer{}, false
			}
			a.events = append(a.events, event{Key: key, Timestamp: ts, Kind: kind})
		}
	case 1, 2:
		if tag == 2 {
			if parent.kind == nodeSub {
				r.fail("a sub-interval within a sub-interval")
				return answer{}, false
			}
			lo, hi := c.subSpan(parent)
			s := subNode(lo + int64(r.int(int(min(hi-lo, maxIndex)))))
			a.within, parent = &s, s
		}
		cnt := r.count(10)
		if cnt > c.maxChildren() && r.err == nil {
			r.fail("%d children", cnt)
		}
		a.children = make([]child, 0, cnt)
		next := parent.lo
		prev := -1
		for range cnt {
			var kn node
			switch {
			case parent.kind == nodeSub:
				j := int(r.byte())
				if parent.bits+hashBits > maxHashBits || j >= 1<<hashBits || j <= prev {
					r.fail("bad hash bucket %d under %d bits after %d", j, parent.bits, prev)
				}
				prev = j
				kn = node{kind: nodeSub, lo: parent.lo, hi: parent.lo, bits: parent.bits + hashBits, prefix: parent.prefix<<hashBits | uint64(j)}
			case parent.kind == nodeRange && parent.lo == parent.hi:
				j := r.int(c.SubIntervals - 1)
				if j <= prev && r.err == nil {
					r.fail("sub-interval %d after %d", j, prev)
				}
				prev = j
				kn = subNode(c.firstSub(parent.lo) + int64(j))
			default:
				lo := next + int64(r.int(maxIndex))
				hi := lo + int64(r.int(maxIndex))
				if hi > parent.hi {
					r.fail("child range %d-%d outside %d-%d", lo, hi, parent.lo, parent.hi)
				}
				if parent.kind == nodeSubs {
					kn = subsNode(lo, hi)
				} else {
					kn = rangeNode(lo, hi)
				}
				next = hi + 1
			}
			fp := r.fp()
			count := r.int(1 << 40)
			if count == 0 && r.err == nil {
				r.fail("an empty child")
			}
			if r.err != nil {
				return answer{}, false
			}
			a.children = append(a.children, child{node: kn, fp: fp, count: count})
		}
	default:
		r.fail("bad answer tag %d", tag)
	}
	if r.err != nil {
		return answer{}, false
	}
	return a, true
}

// maxChildren is the most children an answer may have.
func (c *config) maxChildren() int {
	return max(rangeFanout, subsFanout, 1<<hashBits, c.SubIntervals)
}

// serveExplore answers an explore request.
func (rp *Replica) serveExplore(r *reader, limit int) ([]byte, error) {
	L, nodes := readExplore(r)
	if r.err != nil {
		return nil, r.err
	}
	x := &exploreReply{cfg: rp.cfg}
	for _, n := range nodes {
		if !x.add(n, rp.log.explore(n, L, answerBudget(limit)), limit) {
			break
		}
	}
	if x.n == 0 && len(nodes) > 0 {
		return nil, fmt.Errorf("antientropy: explore: the answer about one node exceeds %d bytes", limit)
	}
	return x.encode(rp.cfg.hdr()), nil
}
