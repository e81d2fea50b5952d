// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"encoding/binary"
	"fmt"
	"runtime"

	"github.com/stratakv/strata"
)

// A pull request asks for the samples, values included, of every event in
// nodes (where the requester holds nothing), from a cursor on; the reply
// holds as many as fit and the cursor to continue from, so that a new
// replica fills up page by page and resumes after an interruption. Events
// come by node, then sub-interval, then key. In events mode, the reply
// holds the events only (key, timestamp, kind; no value): the requester
// compares them with its log and fetches only the newer puts.

// pullCursor is a position in the events of a pull request's nodes.
type pullCursor struct {
	node int // index in the request's nodes
	cursor
}

// after reports whether c is a later position than prev.
func (c pullCursor) after(prev pullCursor) bool {
	switch {
	case c.node != prev.node:
		return c.node > prev.node
	case !prev.started:
		return c.started
	case !c.started:
		return false
	case c.sub != prev.sub:
		return c.sub > prev.sub
	}
	return c.key > prev.key
}

func appendCursor(b []byte, c pullCursor) []byte {
	b = binary.AppendUvarint(b, uint64(c.node))
	if !c.started {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(c.sub))
	return appendString(b, c.key)
}

func readCursor(r *reader, nodes int) pullCursor {
	c := pullCursor{node: r.int(nodes)}
	switch r.byte() {
	case 0:
	case 1:
		c.started = true
		c.sub = int64(r.int(maxIndex))
		c.key = r.string()
	default:
		r.fail("bad cursor")
	}
	return c
}

func cursorSize(key string) int { return 3*binary.MaxVarintLen64 + 1 + len(key) }

func appendPull(b []byte, h hdr, L int64, c pullCursor, nodes []node, eventsOnly bool) []byte {
	b = appendHeader(b, msgPull, h)
	b = binary.AppendUvarint(b, zigzag(L))
	b = binary.AppendUvarint(b, uint64(len(nodes)))
	for _, n := range nodes {
		b = appendNode(b, n)
	}
	b = appendCursor(b, c)
	if eventsOnly {
		return append(b, 1)
	}
	return append(b, 0)
}

func readPull(r *reader) (int64, pullCursor, []node, bool) {
	L := unzigzag(r.uvarint())
	nodes := readNodes(r)
	c := readCursor(r, len(nodes))
	mode := r.byte()
	if mode > 1 {
		r.fail("bad pull mode %d", mode)
	}
	r.end()
	return L, c, nodes, mode == 1
}

// appendPullReply: the samples, then 1 and the next cursor, or 0 when the
// nodes are exhausted.
func appendPullReply(b []byte, h hdr, w *sampleWriter, next *pullCursor) []byte {
	b = appendHeader(b, msgPullReply, h)
	b = w.append(b)
	if next == nil {
		return append(b, 0)
	}
	return appendCursor(append(b, 1), *next)
}

func readPullReply(r *reader, nodes int, eventsOnly bool) ([]strata.Sample, []largeValue, *pullCursor) {
	samples, large := readSamples(r, eventsOnly)
	var next *pullCursor
	switch r.byte() {
	case 0:
	case 1:
		c := readCursor(r, nodes)
		next = &c
	default:
		r.fail("bad pull reply end")
	}
	r.end()
	return samples, large, next
}

// pullPageEvents is how many events a responder lists from its log at a
// time while filling a pull reply (more than the few hundred samples of a
// reply, fewer than the events of one: a crowded sub-interval is listed a
// few times per reply, not once per sample).
const pullPageEvents = 4096

// yieldEvery is how many events a responder serves between yields of
// the processor.
const yieldEvery = 16

func (rp *Replica) servePull(ctx context.Context, r *reader, limit int) ([]byte, error) {
	L, cur, nodes, eventsOnly := readPull(r)
	if r.err != nil {
		return nil, r.err
	}
	w := newSampleWriter()
	w.eventsOnly = eventsOnly
	budget := limit - headerSize - 1
	for ; cur.node < len(nodes); cur = (pullCursor{node: cur.node + 1}) {
		for {
			evs, subs, more := rp.log.pageEvents(nodes[cur.node], L, cur.cursor, pullPageEvents)
			for k, ev := range evs {
				if k%yieldEvery == yieldEvery-1 {
					// Serving is CPU-bound: let the writers of this
					// process run rather than wait for preemption.
					runtime.Gosched()
				}
				smp := strata.Sample{Key: ev.Key, Timestamp: ev.Timestamp, Kind: ev.Kind}
				ok := true
				if ev.Kind == strata.KindPut && !eventsOnly {
					var err error
					if smp, ok, err = rp.current(ctx, ev.Key); err != nil {
						return nil, fmt.Errorf("antientropy: pull %q: %w", ev.Key, err)
					}
				}
				if ok && !rp.join(w, &smp, budget-cursorSize(ev.Key)) {
					if w.n > 0 {
						return appendPullReply(nil, rp.cfg.hdr(), w, &cur), nil
					}
					rp.tooLarge(ev.Key, &smp, limit)
				}
				cur.cursor = cursor{started: true, sub: subs[k], key: ev.Key}
			}
			if !more {
				break
			}
		}
	}
	return appendPullReply(nil, rp.cfg.hdr(), w, nil), nil
}
