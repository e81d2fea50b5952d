// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// consider decides what to do with one of the peer's events: nothing if
// the log holds the key as new or newer, else apply a delete from its
// metadata, or queue a put to fetch.
func (a *alignment) consider(ctx context.Context, ev event) error {
	if ev.Kind == strata.KindDelete && isWild(ev.Key) {
		smp, err := a.r.clamp(strata.Sample{Key: ev.Key, Timestamp: ev.Timestamp, Kind: ev.Kind})
		if err != nil {
			a.refused(ev.Key, err)
			return nil
		}
		ev.Key = smp.Key
	}
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
	smp, err := a.r.clamp(smp)
	if err != nil {
		a.refused(smp.Key, err)
		return nil
	}
	done := a.r.push.track([]strata.Sample{smp})
	res, err := a.r.store.Apply(ctx, smp)
	done()
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
	slices.Sort(keys)
	for len(keys) > 0 {
		k := fetchKeysFit(keys, a.limit)
		if k == 0 {
			return fmt.Errorf("antientropy: fetch: %w", errNoProgress)
		}
		rd, err := a.request(ctx, appendFetch(nil, r.cfg.hdr(), keys[:k]), msgFetchReply)
		if err != nil {
			return err
		}
		consumed, samples, large := readFetchReply(rd, k)
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
		if err := a.spend(len(large)); err != nil {
			return err
		}
		a.large = append(a.large, large...)
		for _, key := range keys[:consumed] {
			delete(a.fetch, key)
		}
		keys = keys[consumed:]
	}
	return nil
}

// applyAll applies the samples fetched or pulled from the peer in one
// Store.ApplyBatch, so that a durable backend writes them in one batch,
// and returns how many the store already had as new or newer.
func (a *alignment) applyAll(ctx context.Context, samples []strata.Sample) error {
	_, err := a.applyCounted(ctx, samples)
	return err
}

// applyCounted also returns how many samples were not wanted: outdated or
// refused.
func (a *alignment) applyCounted(ctx context.Context, samples []strata.Sample) (unwanted int, err error) {
	a.r.stats.fetched.Add(uint64(len(samples)))
	a.fetched += len(samples)
	return a.applySamples(ctx, samples)
}

// applySamples applies samples received from the peer in one
// Store.ApplyBatch and returns how many were not wanted.
func (a *alignment) applySamples(ctx context.Context, samples []strata.Sample) (unwanted int, err error) {
	if len(samples) == 0 {
		return 0, nil
	}
	kept := samples[:0]
	for _, smp := range samples {
		if smp, err := a.r.clamp(smp); err != nil {
			a.refused(smp.Key, err)
			unwanted++
		} else {
			kept = append(kept, smp)
		}
	}
	samples = kept
	if len(samples) == 0 {
		return unwanted, nil
	}
	done := a.r.push.track(samples)
	results, err := a.r.store.ApplyBatch(ctx, samples)
	done()
	var be *strata.BatchError
	if errors.As(err, &be) {
		for i, e := range be.Errs {
			if e == nil {
				continue
			}
			if !refusal(e) {
				return 0, fmt.Errorf("antientropy: applying %q from %q: %w", samples[i].Key, a.peer, e)
			}
			a.refused(samples[i].Key, e)
			unwanted++
		}
	} else if err != nil {
		return 0, fmt.Errorf("antientropy: applying samples from %q: %w", a.peer, err)
	}
	for i, res := range results {
		if be == nil || be.Errs[i] == nil {
			a.count(res)
			if res == strata.Outdated {
				unwanted++
			}
		}
	}
	return unwanted, nil
}

// pullAll pulls the queued nodes page by page, from a.cur on: events
// only, compared with the log before anything is fetched, or samples
// while most of what comes is wanted.
func (a *alignment) pullAll(ctx context.Context) error {
	r := a.r
	for len(a.pull) > 0 {
		k := exploreNodesFit(a.pull, a.limit-cursorSize(a.cur.key)-1)
		if k == 0 {
			return fmt.Errorf("antientropy: pull: %w", errNoProgress)
		}
		batch := a.pull[:k]
		for {
			rd, err := a.request(ctx, appendPull(nil, r.cfg.hdr(), a.L, a.cur, batch, a.eventsOnly), msgPullReply)
			if err != nil {
				return err
			}
			samples, large, next := readPullReply(rd, len(batch), a.eventsOnly)
			a.checkPulled(rd, batch, samples)
			if rd.err != nil {
				r.stats.malformed.Add(1)
				return rd.err
			}
			if next != nil && (len(samples) == 0 && *next == a.cur || !next.after(a.cur)) {
				return fmt.Errorf("antientropy: pull: %w", errNoProgress)
			}
			if err := a.takePage(ctx, samples); err != nil {
				return err
			}
			if err := a.spend(len(large)); err != nil {
				return err
			}
			a.large = append(a.large, large...)
			if next == nil {
				break
			}
			a.cur = *next
		}
		a.pull, a.cur = a.pull[k:], pullCursor{}
	}
	return nil
}

// checkPulled fails rd unless every sample lies in one of nodes.
func (a *alignment) checkPulled(rd *reader, nodes []node, samples []strata.Sample) {
	c := a.r.cfg
	for _, smp := range samples {
		s := c.subOf(smp.Timestamp.Time)
		in := false
		for _, n := range nodes {
			if lo, hi := c.subSpan(n); s >= lo && s <= hi {
				in = true
				break
			}
		}
		if !in {
			rd.fail("pulled %q from sub-interval %d, outside the nodes pulled", smp.Key, s)
			return
		}
	}
}

// progress counts the samples a fill received and logs, at Info every
// few seconds, how far it went.
func (a *alignment) progress(samples []strata.Sample) {
	now := time.Now()
	if a.fill.start.IsZero() {
		a.fill.start, a.fill.logged = now, now
	}
	a.fill.keys += len(samples)
	for _, smp := range samples {
		a.fill.bytes += len(smp.Key) + len(smp.Value)
	}
	if now.Sub(a.fill.logged) < progressEvery {
		return
	}
	a.fill.logged = now
	secs := now.Sub(a.fill.start).Seconds()
	a.r.cfg.Logger.Info("antientropy: filling from a peer", "replica", a.r.cfg.ID, "peer", a.peer,
		"keys", a.fill.keys, "bytes", a.fill.bytes,
		"keys_per_second", int(float64(a.fill.keys)/secs), "bytes_per_second", int(float64(a.fill.bytes)/secs))
}

// Pull mode switches: to samples when at least wantedToSamples of a page
// of events (of pageMin at least) is wanted, back to events when more
// than staleToEvents of a page of samples was not (outdated or refused).
const (
	pageMin         = 16
	wantedToSamples = 0.9
	staleToEvents   = 0.1
)

// takePage handles one page of a pull, after yielding the processor to
// the other goroutines of the process (a fill is CPU-bound).
func (a *alignment) takePage(ctx context.Context, samples []strata.Sample) error {
	runtime.Gosched()
	if !a.eventsOnly {
		unwanted, err := a.applyCounted(ctx, samples)
		if err != nil {
			return err
		}
		a.progress(samples)
		if len(samples) >= pageMin && float64(unwanted) > staleToEvents*float64(len(samples)) {
			a.eventsOnly = true
		}
		return nil
	}
	if err := a.spend(len(samples)); err != nil {
		return err
	}
	before := len(a.fetch)
	applied := a.applied
	for _, smp := range samples {
		if err := a.consider(ctx, event{Key: smp.Key, Timestamp: smp.Timestamp, Kind: smp.Kind}); err != nil {
			return err
		}
	}
	wanted := len(a.fetch) - before + a.applied - applied
	if len(samples) >= pageMin && float64(wanted) >= wantedToSamples*float64(len(samples)) {
		a.eventsOnly = false
	}
	if len(a.fetch) >= fetchFlush {
		return a.fetchAll(ctx)
	}
	return nil
}
