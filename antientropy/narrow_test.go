// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
)

// A node whose events all lie in one sub-interval is narrowed to it,
// with its hash buckets as parts, and the rest of the node around it.
func TestNarrow(t *testing.T) {
	c := testConfig(t)
	l := newEventLog(c)
	for i := range 2000 {
		l.observe(strata.Sample{Key: fmt.Sprintf("k/%04d", i), Timestamp: ts(4+0.0001*float64(i), 1), Kind: strata.KindPut})
	}
	L := c.intervalOf(t0) + 100
	s := c.subOf(t0) + 2
	iv := rangeNode(c.intervalOf(t0), c.intervalOf(t0))
	cn := compareNode{node: iv, parts: l.parts(iv, L), ready: true}
	require.Len(t, cn.parts, 1)
	got := l.narrow(cn, L)
	require.Len(t, got, 3)
	lo, hi := c.subSpan(iv)
	require.Equal(t, subsNode(lo, s-1), got[0].node)
	require.Equal(t, subNode(s), got[1].node)
	require.Len(t, got[1].parts, 1<<hashBits)
	require.Equal(t, subsNode(s+1, hi), got[2].node)
	for _, n := range got {
		require.True(t, n.ready)
	}

	// Over several intervals, at the first sub-interval of the node.
	wide := rangeNode(c.intervalOf(t0)-100, c.intervalOf(t0)+2)
	l.observe(strata.Sample{Key: "k/early", Timestamp: ts(2, 1), Kind: strata.KindPut})
	require.Equal(t, []compareNode{cn}, l.narrow(cn, L), "events in two sub-intervals")
	wcn := compareNode{node: wide, parts: l.parts(wide, L), ready: true}
	require.Greater(t, len(wcn.parts), 1)
	require.Len(t, l.narrow(wcn, L), 1)

	one := newEventLog(c)
	for i := range 100 {
		one.observe(strata.Sample{Key: fmt.Sprintf("k/%04d", i), Timestamp: ts(-1000, 1), Kind: strata.KindPut})
	}
	wcn = compareNode{node: wide, parts: one.parts(wide, L), ready: true}
	require.Len(t, wcn.parts, 1)
	got = one.narrow(wcn, L)
	require.Len(t, got, 3)
	require.Equal(t, subNode(c.subOf(ts(-1000, 1).Time)), got[1].node)
	require.Len(t, got[1].parts, 1<<hashBits)
}
