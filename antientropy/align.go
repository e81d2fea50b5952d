package antientropy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// Alignment, as the requester runs it against one peer's digest:
//
//  1. compare the digest with the log's at the same reference: the cold
//     era, warm intervals and hot sub-intervals that differ are nodes;
//  2. a node where the log holds nothing is pulled whole (values
//     included, by pages), skipping the metadata;
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

// pullState is a pull that was interrupted: its nodes and where to resume.
type pullState struct {
	nodes []node
	cur   pullCursor
}

func (r *Replica) alignTo(ctx context.Context, peer string, d digest) error {
	if !r.begin(peer) {
		return nil
	}
	defer r.end(peer)
	start := time.Now()
	a := &alignment{r: r, peer: peer, L: d.L, fetch: map[string]hlc.Timestamp{}}
	err := a.run(ctx, d)
	if err != nil {
		r.stats.alignFailed.Add(1)
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

type alignment struct {
	r       *Replica
	peer    string
	L       int64
	fetch   map[string]hlc.Timestamp // puts to fetch: key → newest event seen
	pull    []node
	fetched int
	applied int
}

func (a *alignment) run(ctx context.Context, d digest) error {
	r := a.r
	r.mu.Lock()
	resume := r.resume[a.peer]
	delete(r.resume, a.peer)
	r.mu.Unlock()
	if resume != nil {
		if err := a.pullNodes(ctx, resume.nodes, resume.cur); err != nil {
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
		if err := a.resolve(ctx, nodes, peer); err != nil {
			return err
		}
	}
	return nil
}

// resolve explores nodes whose fingerprints on the peer are in peer,
// fetches what is newer there, and pulls the nodes that are empty here.
func (a *alignment) resolve(ctx context.Context, explore []node, peer map[node]fingerprint) error {
	r := a.r
	a.pull = a.pull[:0]
	pending := explore[:0:0]
	for _, n := range explore {
		if fp, count := r.log.nodeSums(n, a.L); fp == peer[n] {
			continue
		} else if count == 0 {
			a.pull = append(a.pull, n)
		} else {
			pending = append(pending, n)
		}
	}
	explore = pending
	for len(explore) > 0 {
		// Each node goes with this replica's fingerprints of its parts,
		// if it is large: the peer answers only the parts that differ.
		batch := make([]compareNode, len(explore))
		for k, n := range explore {
			batch[k] = compareNode{node: n, parts: r.log.parts(n, a.L)}
		}
		k := compareNodesFit(r.cfg, batch, r.cfg.MaxMessageSize)
		if k == 0 {
			return fmt.Errorf("antientropy: compare: %w", errNoProgress)
		}
		batch = batch[:k]
		rd, err := r.request(ctx, a.peer, appendCompare(nil, r.cfg, a.L, batch), msgCompareReply)
		if err != nil {
			return err
		}
		consumed, answers := readCompareReply(rd, r.cfg, batch)
		if rd.err != nil {
			r.stats.malformed.Add(1)
			return rd.err
		}
		if consumed == 0 {
			return fmt.Errorf("antientropy: compare: %w", errNoProgress)
		}
		explore = explore[consumed:]
		for _, ans := range answers {
			if ans.leaf {
				for _, ev := range ans.events {
					if err := a.consider(ctx, ev); err != nil {
						return err
					}
				}
				continue
			}
			// Children are compared with the log's: those where it
			// holds nothing are pulled, the others explored.
			for _, c := range ans.children {
				fp, count := r.log.nodeSums(c.node, a.L)
				switch {
				case fp == c.fp:
				case count == 0:
					a.pull = append(a.pull, c.node)
				default:
					explore = append(explore, c.node)
				}
			}
		}
	}
	if err := a.fetchAll(ctx); err != nil {
		return err
	}
	return a.pullNodes(ctx, a.pull, pullCursor{})
}

// consider decides what to do with one of the peer's events.
func (a *alignment) consider(ctx context.Context, ev event) error {
	if local, ok := a.r.log.lookup(ev.Key); ok && local.Timestamp.Compare(ev.Timestamp) >= 0 {
		return nil
	}
	if ev.Kind == strata.KindDelete {
		a.r.stats.deletesMeta.Add(1)
		return a.apply(ctx, strata.Sample{Key: ev.Key, Timestamp: ev.Timestamp, Kind: strata.KindDelete})
	}
	if wts, ok := a.r.log.covering(ev.Key); ok && wts.Compare(ev.Timestamp) >= 0 {
		// The put lost to a wildcard delete here: its value is not needed,
		// the key takes the delete's tombstone, as the peer's will.
		a.r.stats.deletesMeta.Add(1)
		return a.apply(ctx, strata.Sample{Key: ev.Key, Timestamp: wts, Kind: strata.KindDelete})
	}
	if old, ok := a.fetch[ev.Key]; !ok || ev.Timestamp.Compare(old) > 0 {
		a.fetch[ev.Key] = ev.Timestamp
	}
	return nil
}

// apply applies one sample received from the peer. Samples the store
// refuses (out of scope, invalid, from too far in the future) are counted
// and skipped; other errors end the alignment.
func (a *alignment) apply(ctx context.Context, smp strata.Sample) error {
	res, err := a.r.store.Apply(ctx, smp)
	if refusal(err) {
		a.refused(smp.Key, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("antientropy: applying %q from %q: %w", smp.Key, a.peer, err)
	}
	a.count(res)
	return nil
}

// refusal tells the samples a store refuses from the errors of a store.
func refusal(err error) bool {
	return errors.Is(err, strata.ErrOutOfScope) || errors.Is(err, strata.ErrInvalidKey) ||
		errors.Is(err, strata.ErrInvalidSample) || errors.Is(err, hlc.ErrDrift) || errors.Is(err, strata.ErrTooLarge)
}

func (a *alignment) refused(key string, err error) {
	a.r.stats.refused.Add(1)
	a.r.cfg.Logger.Debug("antientropy: refused a sample from a peer", "replica", a.r.cfg.ID, "peer", a.peer, "key", key, "err", err)
}

func (a *alignment) count(res strata.Result) {
	if res == strata.Outdated {
		a.r.stats.outdated.Add(1)
		return
	}
	a.r.stats.applied.Add(1)
	a.applied++
}

// fetchAll fetches the wanted puts, in as few requests as fit.
func (a *alignment) fetchAll(ctx context.Context) error {
	r := a.r
	keys := make([]string, 0, len(a.fetch))
	for k := range a.fetch {
		keys = append(keys, k)
	}
	clear(a.fetch)
	slices.Sort(keys)
	for len(keys) > 0 {
		k := fetchKeysFit(keys, r.cfg.MaxMessageSize)
		if k == 0 {
			return fmt.Errorf("antientropy: fetch: %w", errNoProgress)
		}
		rd, err := r.request(ctx, a.peer, appendFetch(nil, r.cfg.fp, keys[:k]), msgFetchReply)
		if err != nil {
			return err
		}
		consumed, samples := readFetchReply(rd, k)
		if rd.err != nil {
			r.stats.malformed.Add(1)
			return rd.err
		}
		if consumed == 0 {
			return fmt.Errorf("antientropy: fetch: %w", errNoProgress)
		}
		if err := a.applyAll(ctx, samples); err != nil {
			return err
		}
		keys = keys[consumed:]
	}
	return nil
}

// applyAll applies the samples fetched or pulled from the peer in one
// Store.ApplyBatch, so that a durable backend writes them in one batch.
func (a *alignment) applyAll(ctx context.Context, samples []strata.Sample) error {
	if len(samples) == 0 {
		return nil
	}
	a.r.stats.fetched.Add(uint64(len(samples)))
	a.fetched += len(samples)
	results, err := a.r.store.ApplyBatch(ctx, samples)
	var be *strata.BatchError
	if errors.As(err, &be) {
		for i, e := range be.Errs {
			if !refusal(e) {
				return fmt.Errorf("antientropy: applying %q from %q: %w", samples[i].Key, a.peer, e)
			}
			a.refused(samples[i].Key, e)
		}
	} else if err != nil {
		return fmt.Errorf("antientropy: applying samples from %q: %w", a.peer, err)
	}
	for i, res := range results {
		if be == nil || be.Errs[i] == nil {
			a.count(res)
		}
	}
	return nil
}

// pullNodes pulls the samples of nodes from cursor cur on, page by page.
// If it is interrupted, the next alignment with the peer resumes it.
func (a *alignment) pullNodes(ctx context.Context, nodes []node, cur pullCursor) error {
	r := a.r
	for len(nodes) > 0 {
		k := exploreNodesFit(nodes, r.cfg.MaxMessageSize-cursorSize(cur.key))
		if k == 0 {
			return fmt.Errorf("antientropy: pull: %w", errNoProgress)
		}
		batch := nodes[:k]
		for {
			rd, err := r.request(ctx, a.peer, appendPull(nil, r.cfg.fp, a.L, cur, batch), msgPullReply)
			if err == nil {
				samples, next := readPullReply(rd, len(batch))
				if err = rd.err; err != nil {
					r.stats.malformed.Add(1)
				} else if err = a.applyAll(ctx, samples); err == nil {
					if next == nil {
						break
					}
					if len(samples) == 0 && *next == cur {
						err = fmt.Errorf("antientropy: pull: %w", errNoProgress)
					}
					cur = *next
				}
			}
			if err != nil {
				r.mu.Lock()
				r.resume[a.peer] = &pullState{nodes: slices.Clone(nodes), cur: cur}
				r.mu.Unlock()
				return err
			}
		}
		nodes, cur = nodes[k:], pullCursor{}
	}
	return nil
}
