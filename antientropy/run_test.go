package antientropy_test

import (
	"context"
	"errors"
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
