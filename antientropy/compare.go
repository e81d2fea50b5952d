package antientropy

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A compare request is an explore request that carries, with each node,
// the requester's fingerprints of parts that tile it: ranges of
// sub-intervals, cut where the requester's events are evenly spread. The
// responder compares each part with its own events and answers only the
// parts that differ, as explore does (their events when they are few,
// otherwise their children's fingerprints): one round trip descends two
// levels. A node sent without parts is answered itself, as by explore.
//
// The reply answers the first nodes in order, as many as fit whole, and
// says how many; each answer names its node (by index, from the previous
// answer's) and its part (by index; 0 for a node without parts).

// compareNode is a node of a compare request and the requester's parts.
type compareNode struct {
	node  node
	parts []child // the count of a part is not sent
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
// to be listed or cannot be cut into ranges of sub-intervals.
func (l *eventLog) parts(n node, L int64) []child {
	if n.kind == nodeSub {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, count := l.nodeSumsLocked(n, L)
	p := partsFor(count)
	if p < 2 {
		return nil
	}
	lo, hi := l.cfg.subSpan(n)
	return l.subGroupsLocked(lo, hi, L, p, true)
}

// compareParts returns the answers about the parts of cn whose
// fingerprints differ from the log's at reference L, or about cn's node
// itself when it has no parts.
func (l *eventLog) compareParts(cn compareNode, L int64) []partAnswer {
	if len(cn.parts) == 0 {
		return []partAnswer{{node: cn.node, answer: l.explore(cn.node, L)}}
	}
	var out []partAnswer
	for _, p := range cn.parts {
		if fp, _ := l.nodeSums(p.node, L); fp != p.fp {
			out = append(out, partAnswer{node: p.node, answer: l.explore(p.node, L)})
		}
	}
	return out
}

func appendCompare(b []byte, c *config, L int64, nodes []compareNode) []byte {
	b = appendHeader(b, msgCompare, c.fp)
	b = binary.AppendUvarint(b, zigzag(L))
	b = binary.AppendUvarint(b, uint64(len(nodes)))
	for _, cn := range nodes {
		b = appendCompareNode(b, c, cn)
	}
	return b
}

func appendCompareNode(b []byte, c *config, cn compareNode) []byte {
	b = appendNode(b, cn.node)
	b = binary.AppendUvarint(b, uint64(len(cn.parts)))
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
		np := r.count(9)
		if r.err != nil {
			return 0, nil
		}
		if np > 0 {
			if cn.node.kind == nodeSub {
				r.fail("parts of a sub-interval")
				return 0, nil
			}
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

// compareReply encodes the answers of a responder to a compare request.
type compareReply struct {
	x        exploreReply
	consumed int
	prev     int // node index of the last answer
}

// addNode appends the answers about node k of a request, all of them or
// none if the reply would exceed maxSize.
func (cr *compareReply) addNode(k int, answers []partAnswer, parts []child, maxSize int) bool {
	m, prev := cr.x.mark(), cr.prev
	for _, a := range answers {
		j := 0
		for j < len(parts) && parts[j].node != a.node {
			j++
		}
		cr.x.body = binary.AppendUvarint(cr.x.body, uint64(k-cr.prev))
		cr.x.body = binary.AppendUvarint(cr.x.body, uint64(j))
		cr.x.appendAnswer(a.node, a.answer)
		cr.x.n++
		cr.prev = k
	}
	if headerSize+cr.x.ids.size()+2*binary.MaxVarintLen64+len(cr.x.body) > maxSize {
		cr.x.rollback(m)
		cr.prev = prev
		return false
	}
	cr.consumed++
	return true
}

func (cr *compareReply) encode(cfgFP uint64) []byte {
	b := appendHeader(make([]byte, 0, headerSize+cr.x.ids.size()+2*binary.MaxVarintLen64+len(cr.x.body)), msgCompareReply, cfgFP)
	b = cr.x.ids.append(b)
	b = binary.AppendUvarint(b, uint64(cr.consumed))
	b = binary.AppendUvarint(b, uint64(cr.x.n))
	return append(b, cr.x.body...)
}

// readCompareReply decodes a reply to a compare request of nodes: how
// many nodes it answered, and the answers.
func readCompareReply(r *reader, c *config, nodes []compareNode) (int, []partAnswer) {
	ids := readIDs(r)
	consumed := r.int(len(nodes))
	n := r.count(3)
	if r.err != nil {
		return 0, nil
	}
	out := make([]partAnswer, 0, n)
	k := 0
	for range n {
		if consumed == 0 {
			r.fail("answers about no node")
			return 0, nil
		}
		k += r.int(consumed - 1 - k)
		cn := nodes[k]
		j := r.int(max(len(cn.parts)-1, 0))
		if r.err != nil {
			return 0, nil
		}
		parent := cn.node
		if len(cn.parts) > 0 {
			parent = cn.parts[j].node
		}
		a, ok := readAnswer(r, c, ids, parent)
		if !ok {
			return 0, nil
		}
		out = append(out, partAnswer{node: parent, answer: a})
	}
	r.end()
	if r.err != nil {
		return 0, nil
	}
	return consumed, out
}

// serveCompare answers a compare request.
func (rp *Replica) serveCompare(r *reader) ([]byte, error) {
	L, nodes := readCompare(r, rp.cfg)
	if r.err != nil {
		return nil, r.err
	}
	cr := &compareReply{x: exploreReply{cfg: rp.cfg}}
	for k, cn := range nodes {
		if !cr.addNode(k, rp.log.compareParts(cn, L), cn.parts, rp.cfg.MaxMessageSize) {
			break
		}
	}
	if cr.consumed == 0 && len(nodes) > 0 {
		return nil, fmt.Errorf("antientropy: compare: the answer about one node exceeds %d bytes", rp.cfg.MaxMessageSize)
	}
	return cr.encode(rp.cfg.fp), nil
}
