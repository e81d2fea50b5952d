// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// Answers with duplicate, unordered, empty or misplaced parts are
// refused: each would let a peer make the requester queue work it has
// not bounded.
func TestHostileAnswersRefused(t *testing.T) {
	c := testConfig(t)
	c.hasher = newHasher(nil)
	children := func(entries ...[]byte) []byte {
		b := []byte{1}
		b = binary.AppendUvarint(b, uint64(len(entries)))
		for _, e := range entries {
			b = append(b, e...)
			b = appendFP(b, 7)
			b = binary.AppendUvarint(b, 3)
		}
		return b
	}
	at := func(s int64, ms int64) hlc.Timestamp {
		return hlc.Timestamp{Time: c.subStart(s) + hlc.FromDuration(time.Duration(ms)*time.Millisecond), ID: hlc.ID{1}}
	}
	leaf := func(n node, evs ...event) []byte {
		x := exploreReply{cfg: c}
		x.appendAnswer(n, answer{leaf: true, events: evs})
		return x.body
	}
	sub := subNode(885000)
	for name, tc := range map[string]struct {
		parent node
		body   []byte
	}{
		"duplicate hash buckets":  {sub, children([]byte{5}, []byte{5})},
		"unordered hash buckets":  {sub, children([]byte{9}, []byte{5})},
		"unordered sub-intervals": {rangeNode(177000, 177000), children([]byte{3}, []byte{1})},
		"duplicate sub-intervals": {rangeNode(177000, 177000), children([]byte{2}, []byte{2})},
		"empty child": {sub, func() []byte {
			b := []byte{1, 1, 4}
			b = appendFP(b, 7)
			return append(b, 0)
		}()},
		"unsorted listing": {sub, leaf(sub, event{Key: "demo/b", Timestamp: at(885000, 1), Kind: strata.KindPut}, event{Key: "demo/a", Timestamp: at(885000, 2), Kind: strata.KindPut})},
		"duplicate key":    {sub, leaf(sub, event{Key: "demo/a", Timestamp: at(885000, 1), Kind: strata.KindPut}, event{Key: "demo/a", Timestamp: at(885000, 2), Kind: strata.KindPut})},
		"event elsewhere":  {sub, leaf(sub, event{Key: "demo/a", Timestamp: at(885007, 1), Kind: strata.KindPut})},
		"event outside its bucket": {node{kind: nodeSub, lo: 885000, hi: 885000, bits: 6, prefix: 1},
			leaf(sub, event{Key: "demo/a", Timestamp: at(885000, 1), Kind: strata.KindPut})},
	} {
		r := newReader(tc.body)
		_, ok := readAnswer(r, c, []hlc.ID{{1}}, tc.parent)
		require.False(t, ok, name)
		require.ErrorIs(t, r.err, ErrMalformed, name)
	}
}

// hostilePeer answers a replica's requests with valid messages that never
// end: a digest that differs in one hot sub-interval, and pages without
// end of fresh events and samples (keys outside the store's scope) in
// that sub-interval.
type hostilePeer struct {
	r        *Replica
	requests int
	L        int64 // the reference, fixed at the first request so that the
	// answers stay in one sub-interval however long the test takes
	fixed bool
}

func (h *hostilePeer) Broadcast(context.Context, []byte) error { return nil }

func (h *hostilePeer) Request(_ context.Context, _ string, msg []byte) ([]byte, error) {
	h.requests++
	if h.requests > 1e6 {
		return nil, fmt.Errorf("hostile peer: %d requests", h.requests)
	}
	r := h.r
	kind, _, rd := readHeader(msg, DefaultMaxMessageSize)
	if !h.fixed {
		h.L, h.fixed = r.reference(), true
	}
	L := h.L
	sub := r.cfg.firstSub(r.cfg.eraAt(L).hotStart)
	switch kind {
	case msgDigestRequest:
		d := r.log.digest(L)
		d.hot[0]++
		return appendDigest(nil, r.cfg.hdr(), d), nil
	case msgFetch:
		keys := readFetch(rd)
		return appendFetchReply(nil, r.cfg.hdr(), len(keys), newSampleWriter()), nil
	case msgPull:
		_, cur, _, eventsOnly := readPull(rd)
		w := newSampleWriter()
		w.eventsOnly = eventsOnly
		start := h.requests * 100
		for i := range 100 {
			w.add(&strata.Sample{Key: fmt.Sprintf("elsewhere/%09d", start+i), Value: []byte("v"),
				Timestamp: hlc.Timestamp{Time: r.cfg.subStart(sub) + 1, ID: hlc.ID{9}}, Kind: strata.KindPut})
		}
		next := pullCursor{node: cur.node, cursor: cursor{started: true, sub: sub, key: fmt.Sprintf("elsewhere/%09d", start+99)}}
		return appendPullReply(nil, r.cfg.hdr(), w, &next), nil
	}
	return nil, fmt.Errorf("hostile peer: request kind %d", kind)
}

// One alignment's work is capped relative to the log: a peer that
// answers without end stops it, and the cap is counted.
func TestWorkCap(t *testing.T) {
	s := newTestStore(t, "mine/**")
	_, err := s.Put(context.Background(), "mine/x", []byte("v"))
	require.NoError(t, err)
	h := &hostilePeer{}
	r, err := New(s, h, &Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer r.Close()
	h.r = r
	err = r.AlignWith(context.Background(), "hostile")
	require.ErrorIs(t, err, errWorkCap)
	st := r.Stats()
	require.Equal(t, uint64(1), st.WorkCapped)
	t.Logf("capped after %d requests, %d samples refused", h.requests, st.Refused)
	require.Less(t, h.requests, 10_000)
	require.Nil(t, r.resume["hostile"], "the endless work is not resumed")
}
