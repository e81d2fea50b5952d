// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// Samples from a peer outside the store's key expression are refused by
// the store and counted; the alignment goes on.
func TestRefusedSamples(t *testing.T) {
	s := newTestStore(t, "mine/**")
	r, err := New(s, nopTransport{}, nil)
	require.NoError(t, err)
	defer r.Close()
	a := &alignment{r: r, peer: "p"}
	now := s.Clock().Now()
	samples := []strata.Sample{
		{Key: "other/x", Value: []byte("v"), Timestamp: now, Kind: strata.KindPut},
		{Key: "mine/x", Value: []byte("v"), Timestamp: now, Kind: strata.KindPut},
		{Key: "mine/future", Value: []byte("v"), Timestamp: hlc.Timestamp{Time: now.Time + hlc.FromDuration(1<<40), ID: hlc.ID{9}}, Kind: strata.KindPut},
	}
	require.NoError(t, a.applyAll(context.Background(), samples))
	st := r.Stats()
	require.Equal(t, uint64(2), st.Refused)
	require.Equal(t, uint64(1), st.SamplesApplied)
	require.Equal(t, uint64(3), st.SamplesFetched)
}
