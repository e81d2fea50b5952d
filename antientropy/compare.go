// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A compare request is an explore request that carries, with each node,
// the requester's fingerprints of parts that tile it: ranges of
// sub-intervals, cut where the requester's events are evenly spread, or,
// for a sub-interval (or a hash bucket of one), its child hash buckets
// from a given one to the last. The
// responder compares each part with its own events and answers only the
// parts that differ, as explore does (their events when they are few,
// otherwise their children's fingerprints): one round trip descends two
// levels. A node sent without parts is answered itself, as by explore.
//
// The reply answers the first nodes in order, as many as fit whole, and
// the first parts of the next node, as many as fit, and says how many of
// each; each answer names its node (by index, from the previous answer's)
// and its part (by index; 0 for a node without parts), in strictly
// increasing order. The requester sends the parts left unanswered again.

// compareNode is a node of a compare request and the requester's parts,
// or, for a node without parts that the requester expects to be listed,
// the short hashes of its events there (listing.go).
type compareNode struct {
	node  node
	parts []child  // the count of a part is not sent
	have  []uint32 // a riceSet; only without parts
	ready bool     // parts and have are set (not sent)
	peer  int      // the peer's count of events in node, 0 if unknown (not sent)
}

// partAnswer is the answer about one part (or node) of a compare request.
type partAnswer struct {
	node node
	answer
}

const (
	partEvents = leafEvents / 2 // events per part, when parts reach leaves
	maxParts   = 64             // parts per node, at most
)

// partsFor returns how many parts a node of count events is cut into.
// Parts of partEvents events each, so that the responder answers with
// events, when that takes at most maxParts; otherwise as many parts as
// the subsFanout children of each differing part will have events, so
// that the next compare reaches events with as many parts again.
func partsFor(count int) int {
	if count <= leafEvents {
		return 0
	}
	if p := (count + partEvents - 1) / partEvents; p <= maxParts {
		return p
	}
	p := int(math.Ceil(math.Sqrt(float64(count) / float64(partEvents*subsFanout))))
	return min(max(p, 2), maxParts)
}

// parts returns n cut into parts of about equal counts of the log's
// events at reference L, with their sums, or nil when n is small enough
// to be listed. A sub-interval (or a hash bucket of one) is cut into its
// 1<<hashBits child buckets, all of them, empty ones included.
func (l *eventLog) parts(n node, L int64) []child {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, count := l.nodeSumsLocked(n, L)
	if n.kind == nodeSub {
		if count <= leafLimit(n) || n.bits+hashBits > maxHashBits {
			return nil
		}
		fps, counts := l.bucketSumsLocked(n, L)
		out := make([]child, 1<<hashBits)
		for j := range out {
			out[j] = child{node: bucketNode(n, j), fp: fps[j], count: counts[j]}
		}
		return out
	}
	p := partsFor(count)
	if p < 2 {
		return nil
	}
	lo, hi := l.cfg.subSpan(n)
	return l.subGroupsLocked(lo, hi, L, p, true)
}

// bucketNode is child bucket j of the sub-interval node n.
func bucketNode(n node, j int) node {
	return node{kind: nodeSub, lo: n.lo, hi: n.lo, bits: n.bits + hashBits, prefix: n.prefix<<hashBits | uint64(j)}
}

// compareParts returns the answers about the parts of cn whose
// fingerprints differ from the log's at reference L, or about cn's node
// itself when it has no parts, each in at most maxBytes, with the index
// of its part.
func (l *eventLog) compareParts(cn compareNode, L int64, maxBytes int) ([]partAnswer, []int) {
	if len(cn.parts) == 0 {
		return []partAnswer{{node: cn.node, answer: l.exploreExcept(cn.node, L, cn.have, maxBytes)}}, []int{0}
	}
	var out []partAnswer
	var idx []int
	var fps [1 << hashBits]fingerprint
	if cn.node.kind == nodeSub {
		fps, _ = l.bucketSums(cn.node, L)
	}
	for j, p := range cn.parts {
		var fp fingerprint
		if cn.node.kind == nodeSub {
			fp = fps[p.node.prefix&(1<<hashBits-1)]
		} else {
			fp, _ = l.nodeSums(p.node, L)
		}
		if fp != p.fp {
			out = append(out, partAnswer{node: p.node, answer: l.explore(p.node, L, maxBytes)})
			idx = append(idx, j)
		}
	}
	return out, idx
}

func appendCompare(b []byte, c *config, L int64, nodes []compareNode) []byte {
	b = appendHeader(b, msgCompare, c.hdr())
	b = binary.AppendUvarint(b, zigzag(L))
	b = binary.AppendUvarint(b, uint64(len(nodes)))
	for _, cn := range nodes {
		b = appendCompareNode(b, c, cn)
	}
	return b
}

func appendCompareNode(b []byte, c *config, cn compareNode) []byte {
	b = appendNode(b, cn.node)
	if len(cn.have) > 0 {
		// No parts, and short hashes.
		b = binary.AppendUvarint(b, 1)
		return appendRice(b, cn.have)
	}
	b = binary.AppendUvarint(b, uint64(len(cn.parts))<<1)
	if cn.node.kind == nodeSub && len(cn.parts) > 0 {
		// The last child buckets, from the first one's index on.
		b = append(b, byte(cn.parts[0].node.prefix&(1<<hashBits-1)))
		for _, p := range cn.parts {
			b = appendFP(b, p.fp)
		}
		return b
	}
	for _, p := range cn.parts {
		lo, hi := c.subSpan(p.node)
		b = binary.AppendUvarint(b, uint64(hi-lo))
		b = appendFP(b, p.fp)
	}
	return b
}

// compareNodesFit returns how many of nodes a compare request of at most
// maxSize bytes holds.
func compareNodesFit(c *config, nodes []compareNode, maxSize int) int {
	size := headerSize + 2*binary.MaxVarintLen64
	for k, cn := range nodes {
		size += len(appendCompareNode(nil, c, cn))
		if size > maxSize {
			return k
		}
	}
	return len(nodes)
}

func readCompare(r *reader, c *config) (int64, []compareNode) {
	L := unzigzag(r.uvarint())
	n := r.count(4)
	nodes := make([]compareNode, 0, n)
	for range n {
		cn := compareNode{node: readNode(r)}
		np := r.count(4) // twice the parts (8 bytes each at least), plus one with short hashes
		if np&1 == 1 && r.err == nil {
			if np != 1 {
				r.fail("short hashes with parts")
			}
			cn.have = readHave(r, cn.node)
		}
		np >>= 1
		if r.err != nil {
			return 0, nil
		}
		if np > 0 && cn.node.kind == nodeSub {
			from := int(r.byte())
			if r.err == nil && (cn.node.bits+hashBits > maxHashBits || from+np != 1<<hashBits) {
				r.fail("parts %d to %d of a sub-interval with %d bits", from, from+np, cn.node.bits)
			}
			cn.parts = make([]child, 0, np)
			for j := from; j < from+np && r.err == nil; j++ {
				cn.parts = append(cn.parts, child{node: bucketNode(cn.node, j), fp: r.fp()})
			}
			if r.err != nil {
				return 0, nil
			}
			np = 0
		}
		if np > 0 {
			lo, hi := c.subSpan(cn.node)
			cn.parts = make([]child, 0, np)
			next := lo
			for range np {
				end := next + int64(r.int(maxIndex))
				fp := r.fp()
				if r.err == nil && end > hi {
					r.fail("part %d-%d outside %d-%d", next, end, lo, hi)
				}
				if r.err != nil {
					return 0, nil
				}
				cn.parts = append(cn.parts, child{node: subsNode(next, end), fp: fp})
				next = end + 1
			}
			if next != hi+1 {
				r.fail("parts end at %d, not at %d", next-1, hi)
				return 0, nil
			}
		}
		nodes = append(nodes, cn)
	}
	r.end()
	return L, nodes
}

// readHave reads the short hashes sent with n: at least haveMin and at
// most leafLimit(n) of them (the requester sends them only for a node it
// expects the responder to list).
func readHave(r *reader, n node) []uint32 {
	return readRice(r, haveMin, leafLimit(n))
}

// compareReply encodes the answers of a responder to a compare request.
type compareReply struct {
	x        exploreReply
	consumed int // nodes answered whole
	partial  int // parts of node consumed answered
	prev     int // node index of the last answer
}

// addNode appends the answers about node k of a request, whose parts'
// indices are in idx, as many as fit in maxSize bytes; it reports
// whether all did. When some did not, the reply says that the parts
// before the first of them are answered.
func (cr *compareReply) addNode(k int, answers []partAnswer, idx []int, nparts, maxSize int) bool {
	for i, a := range answers {
		m, prev := cr.x.mark(), cr.prev
		cr.x.body = binary.AppendUvarint(cr.x.body, uint64(k-cr.prev))
		cr.x.body = binary.AppendUvarint(cr.x.body, uint64(idx[i]))
		cr.x.appendAnswer(a.node, a.answer)
		cr.x.n++
		cr.prev = k
		if cr.size() > maxSize {
			cr.x.rollback(m)
			cr.prev = prev
			if nparts > 0 {
				cr.partial = idx[i]
			}
			return false
		}
	}
	cr.consumed++
	return true
}

func (cr *compareReply) size() int {
	return headerSize + cr.x.ids.size() + 3*binary.MaxVarintLen64 + len(cr.x.body)
}

func (cr *compareReply) encode(h hdr) []byte {
	b := appendHeader(make([]byte, 0, cr.size()), msgCompareReply, h)
	b = cr.x.ids.append(b)
	b = binary.AppendUvarint(b, uint64(cr.consumed))
	b = binary.AppendUvarint(b, uint64(cr.partial))
	b = binary.AppendUvarint(b, uint64(cr.x.n))
	return append(b, cr.x.body...)
}

// readCompareReply decodes a reply to a compare request of nodes: how
// many nodes it answered whole, how many parts of the next one, and the
// answers, which must name parts in strictly increasing order.
func readCompareReply(r *reader, c *config, nodes []compareNode) (int, int, []partAnswer) {
	ids := readIDs(r)
	consumed := r.int(len(nodes))
	partial := 0
	if consumed < len(nodes) {
		partial = r.int(max(len(nodes[consumed].parts)-1, 0))
	} else {
		partial = r.int(0)
	}
	n := r.count(3)
	if r.err != nil {
		return 0, 0, nil
	}
	out := make([]partAnswer, 0, n)
	k, j := 0, -1
	for range n {
		dk := r.int(len(nodes))
		if dk > 0 {
			k, j = k+dk, -1
		}
		jj := r.int(1 << 20)
		if r.err != nil {
			return 0, 0, nil
		}
		switch {
		case k > consumed || (k == consumed && jj >= partial):
			r.fail("answer about node %d part %d, beyond the %d nodes and %d parts answered", k, jj, consumed, partial)
		case jj <= j:
			r.fail("answers about node %d out of order", k)
		case len(nodes[k].parts) == 0 && jj != 0, len(nodes[k].parts) > 0 && jj >= len(nodes[k].parts):
			r.fail("answer about part %d of node %d, which has %d", jj, k, len(nodes[k].parts))
		}
		if r.err != nil {
			return 0, 0, nil
		}
		j = jj
		cn := nodes[k]
		parent := cn.node
		if len(cn.parts) > 0 {
			parent = cn.parts[j].node
		}
		a, ok := readAnswer(r, c, ids, parent)
		if !ok {
			return 0, 0, nil
		}
		out = append(out, partAnswer{node: parent, answer: a})
	}
	r.end()
	if r.err != nil {
		return 0, 0, nil
	}
	return consumed, partial, out
}

// serveCompare answers a compare request in at most limit bytes.
func (rp *Replica) serveCompare(r *reader, limit int) ([]byte, error) {
	L, nodes := readCompare(r, rp.cfg)
	if r.err != nil {
		return nil, r.err
	}
	cr := &compareReply{x: exploreReply{cfg: rp.cfg}}
	for k, cn := range nodes {
		answers, idx := rp.log.compareParts(cn, L, answerBudget(limit))
		if !cr.addNode(k, answers, idx, len(cn.parts), limit) {
			break
		}
	}
	if cr.consumed == 0 && cr.partial == 0 && len(nodes) > 0 {
		return nil, fmt.Errorf("antientropy: compare: the answer about one node exceeds %d bytes", limit)
	}
	return cr.encode(rp.cfg.hdr()), nil
}
