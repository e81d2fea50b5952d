// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"sync"
	"time"
)

// maxNonces bounds the nonces remembered; past it, messages are refused
// until the window moves on (only authenticated messages are remembered,
// so only a peer that holds the secret can fill it).
const maxNonces = 1 << 20

// nonces remembers the nonces of accepted messages for long enough that a
// replay within the accepted time window is recognised. A message is
// accepted if its time is within skew of the local clock, so it is
// acceptable for at most 2×skew: nonces are kept in two generations that
// each span 2×skew, and a nonce is seen if either holds it.
type nonces struct {
	span time.Duration

	mu        sync.Mutex
	start     time.Time // of the current generation
	cur, prev map[string]struct{}
}

func newNonces(skew time.Duration) *nonces {
	return &nonces{span: 2 * skew, cur: map[string]struct{}{}, prev: map[string]struct{}{}}
}

// add records nonce at now; it returns false if nonce was seen already
// (a replay) or the memory is full.
func (n *nonces) add(nonce string, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	// A clock that steps back keeps both generations: forgetting would
	// open the window to replays.
	if d := now.Sub(n.start); d >= n.span {
		if d >= 2*n.span { // everything remembered has expired
			n.prev = map[string]struct{}{}
		} else {
			n.prev = n.cur
		}
		n.cur = map[string]struct{}{}
		n.start = now
	}
	if _, seen := n.cur[nonce]; seen {
		return false
	}
	if _, seen := n.prev[nonce]; seen {
		return false
	}
	if len(n.cur)+len(n.prev) >= maxNonces {
		return false
	}
	n.cur[nonce] = struct{}{}
	return true
}
