// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// direct is a transport that hands requests to replicas in the process.
type direct struct {
	mu    sync.Mutex
	peers map[string]*Replica
}

func (d *direct) Broadcast(context.Context, []byte) error { return nil }

func (d *direct) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	d.mu.Lock()
	r := d.peers[peer]
	d.mu.Unlock()
	return r.HandleRequest(ctx, "x", msg)
}

// The scan at start stops with its context, and long work logs its
// progress: the scan, and a fill (keys, bytes, rates).
func TestNewContextAndProgress(t *testing.T) {
	old := progressEvery
	progressEvery = 0
	defer func() { progressEvery = old }()
	ctx := context.Background()
	a, b := newTestStore(t, "p/**"), newTestStore(t, "p/**")
	for i := range 5000 {
		_, err := a.Put(ctx, fmt.Sprintf("p/%05d", i), []byte("value"))
		require.NoError(t, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := NewContext(cancelled, a, &direct{}, nil)
	require.ErrorIs(t, err, context.Canceled)

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	tr := &direct{peers: map[string]*Replica{}}
	ra, err := NewContext(ctx, a, tr, &Options{Logger: logger})
	require.NoError(t, err)
	defer ra.Close()
	require.Contains(t, logs.String(), "rebuilding the log")
	tr.peers["a"] = ra
	rb, err := New(b, tr, &Options{Logger: logger})
	require.NoError(t, err)
	defer rb.Close()
	// Everything written so far is in the digest once the interval ends.
	d := ra.log.digest(ra.reference() + 2)
	d.limit = ra.cfg.MaxMessageSize
	require.NoError(t, rb.alignTo(ctx, "a", d))
	require.Contains(t, logs.String(), "filling from a peer")
	require.Contains(t, logs.String(), "keys_per_second")
	require.Equal(t, uint64(5000), rb.Stats().SamplesApplied)
}
