// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/stratakv/strata/hlc"
)

// Alignment, as the requester runs it against one peer's digest:
//
//  1. compare the digest with the log's at the same reference: the cold
//     era, warm intervals and hot sub-intervals that differ are nodes;
//  2. a node where the log holds nothing is pulled by pages: its events
//     only, compared with the log before anything is fetched (the log may
//     hold newer events of the same keys in other intervals); when most
//     of a page is wanted (a new replica filling up), the next pages come
//     with their values, and go back to events when a page turns out
//     mostly stale;
//  3. the other nodes are explored: the peer answers with their events
//     when they are few, otherwise with their children's fingerprints,
//     and the children that differ are explored in turn (all the nodes of
//     one level in one request). A node with many events here goes with
//     the fingerprints of parts that tile it, cut so that each holds about
//     as many of the log's events (a compare request): the peer answers
//     only the parts that differ, so one round trip descends two levels,
//     and the parts are sized so that the next answer lists events;
//  4. of the peer's events, those newer than the log's event for their key
//     are wanted: deletes and wildcard deletes are applied from the
//     metadata alone, puts that a local wildcard delete covers materialize
//     its tombstone, and the other puts are fetched, once per key.
//
// Everything goes through Store.Apply, so last-writer-wins, wildcard
// deletes and Watch hold as for any write.
//
// Each request is retried a few times; when an alignment still stops on
// an error, what it had left to do (nodes to explore and to pull, keys to
// fetch, where a pull stood) is kept for the peer, and the next alignment
// with it starts there, before the nodes of the new digest: an old
// difference never starves behind new ones. One alignment's work (nodes
// and events considered) is capped relative to the size of the log, so
// that a hostile peer cannot grow memory without bound.

// pending is what an interrupted alignment had left to do.
type pending struct {
	L          int64
	explore    []compareNode
	pull       []node
	cur        pullCursor
	eventsOnly bool
	fetch      map[string]hlc.Timestamp
	large      []largeValue
}

func (r *Replica) alignTo(ctx context.Context, peer string, d digest) error {
	if !r.begin(peer) {
		return nil
	}
	defer r.end(peer)
	start := time.Now()
	a := &alignment{r: r, peer: peer, L: d.L, limit: r.limitWith(d.limit), fetch: map[string]hlc.Timestamp{},
		work: maxWorkBase + maxWorkPerEvent*r.log.size()}
	err := a.run(ctx, d)
	if err != nil {
		r.stats.alignFailed.Add(1)
		switch {
		case errors.Is(err, errWorkCap):
			// What a peer that answers without end left is not kept.
			r.stats.workCapped.Add(1)
			r.cfg.Logger.Warn("antientropy: an alignment reached its work cap; a peer answers without end",
				"replica", r.cfg.ID, "peer", peer, "cap", maxWorkBase+maxWorkPerEvent*r.log.size(), "err", err)
			return err
		case errors.Is(err, ErrMalformed), errors.Is(err, ErrConfigMismatch):
		default:
			a.suspend()
		}
		r.cfg.Logger.Warn("antientropy: alignment failed", "replica", r.cfg.ID, "peer", peer, "err", err)
		return err
	}
	r.stats.alignments.Add(1)
	// A round that changed the store is worth a person's attention; one
	// that found nothing to do is not.
	level := slog.LevelDebug
	if a.applied > 0 {
		level = slog.LevelInfo
	}
	r.cfg.Logger.Log(ctx, level, "antientropy: aligned", "replica", r.cfg.ID, "peer", peer,
		"fetched", a.fetched, "applied", a.applied, "duration", time.Since(start))
	return nil
}

// The work of one alignment is capped: nodes queued to explore or pull,
// events considered and large values queued cost one unit each (samples pulled cost nothing:
// they go to the store, not to the alignment's memory), and an alignment
// may spend maxWorkBase plus maxWorkPerEvent per event of the log. Past
// that, it stops with errWorkCap (counted in Stats.WorkCapped, logged),
// and what it had left is dropped.
const (
	maxWorkBase     = 1 << 16
	maxWorkPerEvent = 4
)

var errWorkCap = errors.New("antientropy: the alignment reached its work cap")

type alignment struct {
	r          *Replica
	peer       string
	L          int64
	limit      int                      // messages with the peer fit in this many bytes
	fetch      map[string]hlc.Timestamp // puts to fetch: key → newest event seen
	large      []largeValue             // values to fetch in chunks
	explore    []compareNode            // nodes to explore
	pull       []node                   // nodes to pull
	cur        pullCursor               // where the pull of pull[0] stands
	eventsOnly bool                     // pull events, not samples
	work       int                      // units of work left
	fill       struct {                 // samples pulled, for progress logs
		start, logged time.Time
		keys, bytes   int
	}
	fetched int
	applied int
}

// spend takes n units of work.
func (a *alignment) spend(n int) error {
	if a.work -= n; a.work < 0 {
		return fmt.Errorf("antientropy: aligning with %q: %w", a.peer, errWorkCap)
	}
	return nil
}

// suspend keeps what is left to do for the next alignment with the peer.
func (a *alignment) suspend() {
	if len(a.explore) == 0 && len(a.pull) == 0 && len(a.fetch) == 0 && len(a.large) == 0 {
		return
	}
	p := &pending{L: a.L, explore: a.explore, pull: a.pull, cur: a.cur, eventsOnly: a.eventsOnly, fetch: a.fetch, large: a.large}
	a.r.mu.Lock()
	a.r.resume[a.peer] = p
	a.r.mu.Unlock()
}

func (a *alignment) run(ctx context.Context, d digest) error {
	r := a.r
	r.mu.Lock()
	resume := r.resume[a.peer]
	delete(r.resume, a.peer)
	r.mu.Unlock()
	// A new, empty replica pulls samples from the start.
	a.eventsOnly = r.log.size() > 0
	if resume != nil {
		b := &alignment{r: r, peer: a.peer, L: resume.L, limit: a.limit, fetch: resume.fetch,
			explore: resume.explore, pull: resume.pull, cur: resume.cur, eventsOnly: resume.eventsOnly, large: resume.large, work: a.work}
		err := b.drain(ctx)
		a.work, a.fetched, a.applied = b.work, b.fetched, b.applied
		if err != nil {
			// Keep the old work first, then this digest's on a later try.
			a.explore, a.pull, a.cur, a.eventsOnly, a.fetch, a.L, a.large = b.explore, b.pull, b.cur, b.eventsOnly, b.fetch, b.L, b.large
			return err
		}
	}

	// Newest first: a key updated recently has left an older interval on
	// the peer, and once the update is applied here the older interval
	// agrees again without being explored.
	peer := map[node]fingerprint{}
	var phases [3][]node // hot, warm, cold
	for _, n := range r.cfg.diff(r.log.digest(a.L), d) {
		switch {
		case n.kind == nodeSub:
			peer[n], phases[0] = d.hot[n.lo-r.cfg.firstSub(r.cfg.eraAt(a.L).hotStart)], append(phases[0], n)
		case n.lo == n.hi && n.lo > r.cfg.eraAt(a.L).coldEnd:
			peer[n], phases[1] = d.warm[n.lo-r.cfg.eraAt(a.L).coldEnd-1], append(phases[1], n)
		default:
			peer[n], phases[2] = d.cold, append(phases[2], n)
		}
	}
	for _, nodes := range phases {
		var explore []node
		for _, n := range nodes {
			if fp, count := r.log.nodeSums(n, a.L); fp == peer[n] {
				continue
			} else if count == 0 {
				a.pull = append(a.pull, n)
			} else {
				explore = append(explore, n)
			}
		}
		if len(a.pull) > 0 && len(explore) > 0 {
			// Where this replica holds nothing, pull first: a key
			// updated on the peer has left an older node of the same
			// era, which agrees again once the update is applied.
			if err := a.drain(ctx); err != nil {
				return err
			}
			explore = slices.DeleteFunc(explore, func(n node) bool {
				fp, _ := r.log.nodeSums(n, a.L)
				return fp == peer[n]
			})
		}
		for _, n := range explore {
			a.explore = append(a.explore, compareNode{node: n})
		}
		if err := a.drain(ctx); err != nil {
			// The phases not begun are in the next digest.
			return err
		}
	}
	return nil
}

// drain explores, fetches and pulls until nothing is left to do.
func (a *alignment) drain(ctx context.Context) error {
	if err := a.exploreAll(ctx); err != nil {
		return err
	}
	if err := a.fetchAll(ctx); err != nil {
		return err
	}
	if err := a.pullAll(ctx); err != nil {
		return err
	}
	if err := a.fetchAll(ctx); err != nil {
		return err
	}
	return a.fetchLarge(ctx)
}

// exploreAll explores the queued nodes, level by level, and queues what
// differs: children to explore or pull, puts to fetch.
func (a *alignment) exploreAll(ctx context.Context) error {
	r := a.r
	for len(a.explore) > 0 {
		// Each node goes with this replica's fingerprints of its parts,
		// if it is large: the peer answers only the parts that differ.
		// A node without parts that both sides hold few events of goes
		// with the short hashes of this replica's events: the peer lists
		// only the others.
		// A node whose events here lie in one crowded sub-interval is
		// narrowed to it (narrow.go).
		var ready []compareNode
		for k := range a.explore {
			cn := a.explore[k]
			if cn.ready {
				ready = append(ready, cn)
				continue
			}
			cn.parts, cn.ready = r.log.parts(cn.node, a.L), true
			if cn.parts == nil && (cn.peer == 0 || (cn.peer >= haveMin && cn.peer <= leafLimit(cn.node))) {
				cn.have = r.log.shortHashes(cn.node, a.L)
			}
			ready = append(ready, r.log.narrow(cn, a.L)...)
		}
		a.explore = ready
		k := compareNodesFit(r.cfg, a.explore, a.limit)
		if k == 0 {
			return fmt.Errorf("antientropy: compare: %w", errNoProgress)
		}
		batch := a.explore[:k]
		rd, err := a.request(ctx, appendCompare(nil, r.cfg, a.L, batch), msgCompareReply)
		if err != nil {
			return err
		}
		consumed, partial, answers := readCompareReply(rd, r.cfg, batch)
		if rd.err != nil {
			r.stats.malformed.Add(1)
			return rd.err
		}
		if consumed == 0 && partial == 0 {
			return fmt.Errorf("antientropy: compare: %w", errNoProgress)
		}
		var next []compareNode
		if partial > 0 {
			// The parts left of a node answered in part go again, as a
			// node of their own.
			cn := batch[consumed]
			if cn.node.kind == nodeSub {
				next = append(next, compareNode{node: cn.node, parts: cn.parts[partial:], ready: true})
			} else {
				lo, _ := r.cfg.subSpan(cn.parts[partial].node)
				_, hi := r.cfg.subSpan(cn.node)
				next = append(next, compareNode{node: subsNode(lo, hi), parts: cn.parts[partial:], ready: true})
			}
			consumed++
		}
		for _, ans := range answers {
			if ans.leaf {
				if err := a.spend(len(ans.events)); err != nil {
					return err
				}
				for _, ev := range ans.events {
					if err := a.consider(ctx, ev); err != nil {
						return err
					}
				}
				continue
			}
			// Children are compared with the log's: those where it
			// holds nothing are pulled, the others explored.
			queued := len(a.pull) + len(next)
			var fps [1 << hashBits]fingerprint
			var counts [1 << hashBits]int
			parent := ans.parentOf(ans.node)
			if parent.kind == nodeSub {
				// Hash buckets: their sums in one pass.
				fps, counts = r.log.bucketSums(parent, a.L)
			}
			for _, c := range ans.children {
				var fp fingerprint
				var count int
				if parent.kind == nodeSub {
					j := c.node.prefix & (1<<hashBits - 1)
					fp, count = fps[j], counts[j]
				} else {
					fp, count = r.log.nodeSums(c.node, a.L)
				}
				switch {
				case fp == c.fp:
				case count == 0:
					a.pull = append(a.pull, c.node)
				default:
					next = append(next, compareNode{node: c.node, peer: c.count})
				}
			}
			if err := a.spend(len(a.pull) + len(next) - queued); err != nil {
				return err
			}
		}
		a.explore = append(next, a.explore[consumed:]...)
		if len(a.fetch) >= fetchFlush {
			if err := a.fetchAll(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// fetchFlush is how many wanted puts an alignment gathers before it
// fetches them.
const fetchFlush = 4096

// request sends msg to the peer, retrying a lost request or reply up to
// requestTries times in all, and checks the reply's header.
func (a *alignment) request(ctx context.Context, msg []byte, want msgKind) (*reader, error) {
	var err error
	for try := range requestTries {
		if try > 0 {
			a.r.stats.retries.Add(1)
		}
		var rd *reader
		if rd, err = a.r.request(ctx, a.peer, msg, want); err == nil {
			return rd, nil
		}
		if ctx.Err() != nil || errors.Is(err, ErrConfigMismatch) || errors.Is(err, ErrMalformed) || errors.Is(err, ErrClosed) {
			return nil, err
		}
	}
	return nil, err
}

// requestTries is how many times a request is sent before an alignment
// gives up (and resumes at the next one).
const requestTries = 4
