// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy/natstransport"
)

// blocking is a Receiver whose handlings wait for release.
type blocking struct {
	release chan struct{}
	done    atomic.Int64
}

func (b *blocking) HandleBroadcast(context.Context, string, []byte) error {
	<-b.release
	b.done.Add(1)
	return nil
}

func (b *blocking) HandleRequest(context.Context, string, []byte) ([]byte, error) {
	<-b.release
	b.done.Add(1)
	return nil, nil
}

// Broadcasts beyond Concurrency are dropped and counted, a replica's own
// broadcasts are not handed back to it, and Close waits for the handlings
// under way.
func TestBusyBroadcastsAreDropped(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t)
	recv := &blocking{release: make(chan struct{})}
	west, err := natstransport.New(connect(t, srv), "west", &natstransport.Options{Space: "s", Concurrency: 2})
	require.NoError(t, err)
	require.NoError(t, west.Serve(recv))
	east, err := natstransport.New(connect(t, srv), "east", &natstransport.Options{Space: "s", RequestTimeout: testWait})
	require.NoError(t, err)

	for i := range 5 {
		require.NoError(t, east.Broadcast(ctx, []byte(fmt.Sprint(i))))
		require.NoError(t, west.Broadcast(ctx, []byte("own")))
	}
	require.Eventually(t, func() bool { return west.Stats().Dropped == 3 }, testWait, tick)
	require.Equal(t, uint64(2), west.Stats().Broadcasts)

	closed := make(chan error)
	go func() { closed <- west.Close() }()
	close(recv.release)
	require.NoError(t, <-closed)
	require.Equal(t, int64(2), recv.done.Load(), "Close returned before the handlings ended")

	// After Close, nothing more is handled.
	require.NoError(t, east.Broadcast(ctx, []byte("late")))
	require.NoError(t, west.Broadcast(ctx, []byte("late")))
	_, err = east.Request(ctx, "west", []byte("late"))
	require.ErrorIs(t, err, natstransport.ErrNoPeer)
	require.Equal(t, int64(2), recv.done.Load())
}
