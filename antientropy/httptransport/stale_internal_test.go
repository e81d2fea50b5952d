// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type nopReceiver struct{ calls int }

func (n *nopReceiver) HandleBroadcast(context.Context, string, []byte) error { n.calls++; return nil }
func (n *nopReceiver) HandleRequest(context.Context, string, []byte) ([]byte, error) {
	n.calls++
	return nil, nil
}

// A message signed too long ago, or too far ahead, is refused, and so is
// one signed before the handler started; within the skew it is accepted
// once.
func TestStaleTimestampIsRefused(t *testing.T) {
	key := []byte("0123456789abcdef")
	started := time.Unix(1_800_000_000, 0)
	now := started
	rec := &nopReceiver{}
	h := NewHandler(rec, &HandlerOptions{Secret: key, ID: "west", MaxSkew: 10 * time.Second, now: func() time.Time { return now }})
	now = started.Add(time.Minute)
	post := func(signedAt time.Time) int {
		req := httptest.NewRequest(http.MethodPost, "/replication/request", bytes.NewReader([]byte("m")))
		req.Header.Set(Header, "east")
		signer{key: key}.sign(req, "request", "east", "west", []byte("m"), signedAt)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	require.Equal(t, http.StatusUnauthorized, post(now.Add(-11*time.Second)))
	require.Equal(t, http.StatusUnauthorized, post(now.Add(11*time.Second)))
	require.Zero(t, rec.calls)
	require.Equal(t, http.StatusOK, post(now.Add(-9*time.Second)))
	require.Equal(t, http.StatusOK, post(now.Add(9*time.Second)))
	require.Equal(t, 2, rec.calls)
	require.Equal(t, uint64(2), h.Stats().Refused)

	// Within the skew, but signed before the handler started.
	now = started.Add(5 * time.Second)
	require.Equal(t, http.StatusUnauthorized, post(started.Add(-time.Millisecond)))
	require.Equal(t, http.StatusOK, post(started))
	require.Equal(t, 3, rec.calls)
	require.Equal(t, uint64(3), h.Stats().Refused)
}

// Nonces are remembered for as long as their message could be accepted.
func TestNoncesWindow(t *testing.T) {
	n := newNonces(time.Second) // messages acceptable for 2 s after arrival at most
	t0 := time.Unix(1000, 0)
	require.True(t, n.add("a", t0))
	require.False(t, n.add("a", t0))
	for _, d := range []time.Duration{500 * time.Millisecond, 1999 * time.Millisecond, 2500 * time.Millisecond, 3999 * time.Millisecond} {
		require.True(t, n.add("x"+d.String(), t0.Add(d)))
	}
	require.False(t, n.add("a", t0.Add(1999*time.Millisecond)), "forgotten within the window")
	require.False(t, n.add("x1.999s", t0.Add(3999*time.Millisecond)), "forgotten within the window")
	require.False(t, n.add("x1.999s", t0.Add(-time.Hour)), "forgotten when the clock stepped back")
	require.True(t, n.add("a", t0.Add(10*time.Second)), "kept forever")
}
