// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

// A node larger than a sub-interval whose events all lie in one crowded
// sub-interval (a burst of writes) has a single part: the responder
// answers it with that sub-interval's hash buckets, and the next compare
// sends those buckets with their child buckets as parts, whose answers
// are listings that the requester could not send short hashes for. So
// the requester narrows such a node first: it sends the sub-interval as
// a node of its own, with its hash buckets as parts, and the rest of the
// node (where it holds nothing) as nodes without parts. The first
// compare then descends as it would from the digest of a hot
// sub-interval, and the next one reaches listings with short hashes.

// soleSub returns the sub-interval of n (which is not one) that holds
// all the log's events of n at reference L, if there is one, found by
// bisection on the sums of ranges of sub-intervals.
func (l *eventLog) soleSub(n node, L int64) (int64, bool) {
	if n.kind == nodeSub {
		return 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, total := l.nodeSumsLocked(n, L)
	if total == 0 {
		return 0, false
	}
	lo, hi := l.cfg.subSpan(n)
	first := lo
	// The first sub-interval s such that lo..s holds events.
	for lo < hi {
		mid := lo + (hi-lo)/2
		if _, c := l.nodeSumsLocked(subsNode(first, mid), L); c > 0 {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if _, c := l.nodeSumsLocked(subNode(lo), L); c != total {
		return 0, false
	}
	return lo, true
}

// narrow returns the nodes that replace cn, a node of a compare request
// whose parts are a single one: the sub-interval that holds all the
// log's events of cn at reference L, and the ranges of sub-intervals of
// cn before and after it. It returns cn alone when it cannot be narrowed.
func (l *eventLog) narrow(cn compareNode, L int64) []compareNode {
	if len(cn.parts) != 1 {
		return []compareNode{cn}
	}
	s, ok := l.soleSub(cn.node, L)
	if !ok {
		return []compareNode{cn}
	}
	lo, hi := l.cfg.subSpan(cn.node)
	var out []compareNode
	if s > lo {
		out = append(out, compareNode{node: subsNode(lo, s-1), ready: true})
	}
	sub := compareNode{node: subNode(s), ready: true}
	sub.parts = l.parts(sub.node, L)
	out = append(out, sub)
	if s < hi {
		out = append(out, compareNode{node: subsNode(s+1, hi), ready: true})
	}
	return out
}
