// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
)

// Run on the real clock with short intervals: a write on one replica
// reaches the other within a few intervals, without any explicit call.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	net := memtransport.New(7)
	opts := antientropy.Options{Interval: 100 * time.Millisecond, SubIntervals: 5, PropagationDelay: 10 * time.Millisecond}
	var stores [2]*strata.Store
	done := make(chan error, 2)
	for i, name := range []string{"a", "b"} {
		stores[i] = openMemory(t, i, &strata.Options{KeyExpr: "run/**"})
		ep := net.Join(name)
		o := opts
		o.ID = name
		r, err := antientropy.New(stores[i], ep, &o)
		require.NoError(t, err)
		defer r.Close()
		ep.Serve(r)
		go func() { done <- r.Run(ctx) }()
	}
	_, err := stores[0].Put(ctx, "run/x", []byte("1"))
	require.NoError(t, err)
	_, err = stores[1].Put(ctx, "run/y", []byte("2"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return len(antientropytest.Live(t, stores[0])) == 2 && len(antientropytest.Live(t, stores[1])) == 2
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	for range 2 {
		require.True(t, errors.Is(<-done, context.Canceled))
	}
}

func TestClosedReplica(t *testing.T) {
	ft := antientropytest.NewFakeTime()
	s := openMemory(t, 0, &strata.Options{KeyExpr: "c/**", Clock: ft.Clock(1, 0)})
	ep := memtransport.New(1).Join("a")
	r, err := antientropy.New(s, ep, nil)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	require.NoError(t, r.Close())
	ctx := context.Background()
	require.ErrorIs(t, r.AlignWith(ctx, "b"), antientropy.ErrClosed)
	_, err = r.HandleRequest(ctx, "b", nil)
	require.ErrorIs(t, err, antientropy.ErrClosed)
	require.ErrorIs(t, r.Publish(ctx), antientropy.ErrClosed)
	// The hook is gone: writes no longer reach the log.
	_, err = s.Put(ctx, "c/x", nil)
	require.NoError(t, err)
	require.Zero(t, r.Stats().LogEvents)
}

// stuckTransport is a transport whose broadcasts never reach a peer that
// does not answer: one kind of Broadcast waits until its context ends,
// the other ignores its context and waits until released.
type stuckTransport struct {
	ignoreCtx   bool
	release     chan struct{}
	calls       atomic.Int64
	hadDeadline atomic.Int64
}

func (s *stuckTransport) Broadcast(ctx context.Context, _ []byte) error {
	s.calls.Add(1)
	if _, ok := ctx.Deadline(); ok {
		s.hadDeadline.Add(1)
	}
	if s.ignoreCtx {
		<-s.release
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func (s *stuckTransport) Request(ctx context.Context, _ string, _ []byte) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// One peer that never answers does not stop Run publishing: each digest
// has a deadline, and a publish that outlives it does not pile up.
func TestRunPublishesPastAStuckPeer(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		t.Run(fmt.Sprint("ignoresContext=", ignore), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st := &stuckTransport{ignoreCtx: ignore, release: make(chan struct{})}
			defer close(st.release)
			s := openMemory(t, 0, &strata.Options{KeyExpr: "run/**"})
			r, err := antientropy.New(s, st, &antientropy.Options{Interval: 50 * time.Millisecond, SubIntervals: 5,
				PropagationDelay: 5 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
			require.NoError(t, err)
			defer r.Close()
			done := make(chan error, 1)
			go func() { done <- r.Run(ctx) }()
			if ignore {
				// The first publish never returns: later ones are skipped
				// and counted, Run goes on.
				require.Eventually(t, func() bool { return r.Stats().PublishSkipped >= 3 }, 10*time.Second, 5*time.Millisecond)
				require.Equal(t, int64(1), st.calls.Load(), "one stuck publish, not a pile")
			} else {
				require.Eventually(t, func() bool { return st.calls.Load() >= 4 }, 10*time.Second, 5*time.Millisecond)
				require.Equal(t, st.calls.Load(), st.hadDeadline.Load(), "every broadcast has a deadline")
			}
			cancel()
			require.ErrorIs(t, <-done, context.Canceled)
		})
	}
}

// Every request to a peer has a deadline: a peer that never answers
// fails an alignment, after a few tries, instead of holding it forever.
func TestRequestDeadline(t *testing.T) {
	s := openMemory(t, 0, &strata.Options{KeyExpr: "run/**"})
	r, err := antientropy.New(s, &stuckTransport{}, &antientropy.Options{RequestTimeout: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer r.Close()
	err = r.AlignWith(context.Background(), "silent")
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
