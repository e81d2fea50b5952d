// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

func newTestStore(t testing.TB, expr string) *strata.Store {
	s, err := strata.Open(context.Background(), memory.New(), &strata.Options{KeyExpr: expr, GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

var t0 = hlc.FromTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))

func ts(sec float64, id byte) hlc.Timestamp {
	return hlc.Timestamp{Time: t0 + hlc.FromDuration(time.Duration(sec*float64(time.Second))), ID: hlc.ID{id}}
}

// The log against a plain map: same latest events, same sums.
func TestLogMatchesModel(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	model := map[string]event{}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		key := fmt.Sprintf("k/%d", r.IntN(3000))
		ev := event{Key: key, Timestamp: ts(r.Float64()*600, byte(1+r.IntN(3))), Kind: strata.Kind(1 + r.IntN(2))}
		l.observe(strata.Sample{Key: ev.Key, Timestamp: ev.Timestamp, Kind: ev.Kind})
		if old, ok := model[key]; !ok || ev.Timestamp.Compare(old.Timestamp) > 0 {
			model[key] = ev
		}
	}
	require.Equal(t, len(model), l.size())
	L := c.intervalOf(t0) + 100
	var total fingerprint
	for key, want := range model {
		got, ok := l.lookup(key)
		require.True(t, ok)
		require.Equal(t, want, got)
		h, _ := c.eventHash(nil, key, want.Timestamp, want.Kind)
		total += h
	}
	fp, n := l.nodeSums(rangeNode(0, L), L)
	require.Equal(t, total, fp)
	require.Equal(t, len(model), n)
	d := l.digest(L)
	sum := d.cold
	for _, f := range d.warm {
		sum += f
	}
	for _, f := range d.hot {
		sum += f
	}
	require.Equal(t, total, sum, "the eras partition the log")

	// Every event appears once in the page order, in order.
	var seen int
	var cur cursor
	for {
		evs, subs, more := l.pageEvents(rangeNode(0, L), L, cur, 97)
		for k, ev := range evs {
			require.Equal(t, model[ev.Key], ev)
			if cur.started {
				require.True(t, subs[k] > cur.sub || (subs[k] == cur.sub && ev.Key > cur.key))
			}
			cur = cursor{started: true, sub: subs[k], key: ev.Key}
			seen++
		}
		if !more {
			break
		}
	}
	require.Equal(t, len(model), seen)

	// Deletes expire by the reference alone; pruning removes them.
	far := L + c.expiry + 1000
	fpFar, nFar := l.nodeSums(rangeNode(0, far), far)
	var puts fingerprint
	nPuts := 0
	for key, ev := range model {
		if ev.Kind == strata.KindPut {
			h, _ := c.eventHash(nil, key, ev.Timestamp, ev.Kind)
			puts += h
			nPuts++
		}
	}
	require.Equal(t, puts, fpFar)
	require.Equal(t, nPuts, nFar)
	require.Equal(t, len(model)-nPuts, l.prune(far))
	require.Equal(t, nPuts, l.size())
	fp2, _ := l.nodeSums(rangeNode(0, far), far)
	require.Equal(t, puts, fp2)
}

func TestKeyTableRemove(t *testing.T) {
	keys := map[uint32]string{}
	tb := newKeyTable(func(ref uint32) string { return keys[ref] })
	r := rand.New(rand.NewPCG(3, 4))
	live := map[string]uint32{}
	next := uint32(1)
	for range 50000 {
		k := fmt.Sprint(r.IntN(2000))
		if ref, ok := live[k]; ok && r.IntN(2) == 0 {
			tb.remove(k)
			delete(live, k)
			delete(keys, ref)
			continue
		}
		if _, ok := live[k]; !ok {
			keys[next] = k
			tb.insert(k, next)
			live[k] = next
			next++
		}
	}
	require.Equal(t, len(live), tb.n)
	for k, ref := range live {
		require.Equal(t, ref, tb.find(k), k)
	}
	require.Zero(t, tb.find("absent"))
}

func TestDigestDiff(t *testing.T) {
	c := testConfig(t)
	L := int64(1000)
	e := c.eraAt(L)
	base := digest{L: L, cold: 1, warm: make([]fingerprint, c.Warm), hot: make([]fingerprint, c.Hot*c.SubIntervals)}
	clone := func(d digest) digest {
		d.warm = append([]fingerprint(nil), d.warm...)
		d.hot = append([]fingerprint(nil), d.hot...)
		return d
	}
	tests := []struct {
		name   string
		change func(*digest)
		want   []node
	}{
		{"same", func(*digest) {}, nil},
		{"cold", func(d *digest) { d.cold = 2 }, []node{rangeNode(0, e.coldEnd)}},
		{"warm", func(d *digest) { d.warm[3] = 7 }, []node{rangeNode(e.coldEnd+4, e.coldEnd+4)}},
		{"hot", func(d *digest) { d.hot[29] = 7 }, []node{subNode(c.firstSub(L) + 4)}},
		{"all", func(d *digest) { d.cold, d.warm[0], d.hot[0] = 9, 9, 9 },
			[]node{rangeNode(0, e.coldEnd), rangeNode(e.coldEnd+1, e.coldEnd+1), subNode(c.firstSub(e.hotStart))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer := clone(base)
			tt.change(&peer)
			require.Equal(t, tt.want, c.diff(base, peer))
			require.Equal(t, len(tt.want) == 0, base.equal(peer))
		})
	}
}
