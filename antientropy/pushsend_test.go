// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/memtransport"
)

// With Run's sender at work while a writer writes, a peer receives every
// write of a key in the order it was made, none twice: the queue is
// swapped out whole and sent in order, and nothing is lost when no buffer
// fills.
func TestPushOrderWithinKey(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	m := newMesh(t, 2, antientropy.Options{})
	stores, replicas := m.stores, m.replicas
	var mu sync.Mutex
	seen := map[string][]int{}
	stop := stores[1].Watch(func(smp strata.Sample) {
		v, err := strconv.Atoi(string(smp.Value))
		if err != nil {
			panic(err)
		}
		mu.Lock()
		seen[smp.Key] = append(seen[smp.Key], v)
		mu.Unlock()
	})
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- replicas[0].Run(ctx) }()

	const writes = 5000
	for i := range writes {
		key := fmt.Sprintf("push/k%d", i%7)
		_, err := stores[0].Put(ctx, key, []byte(strconv.Itoa(i)))
		require.NoError(t, err)
		if i%500 == 0 {
			time.Sleep(time.Millisecond) // let the sender catch up mid-stream, sometimes
		}
	}
	require.NoError(t, replicas[0].Push(ctx))
	cancel()
	require.ErrorIs(t, <-ran, context.Canceled)

	mu.Lock()
	defer mu.Unlock()
	total := 0
	for k := range 7 {
		got := seen[fmt.Sprintf("push/k%d", k)]
		var want []int
		for i := k; i < writes; i += 7 {
			want = append(want, i)
		}
		require.Equal(t, want, got, "key %d", k)
		total += len(got)
	}
	st := replicas[0].Stats()
	require.Equal(t, uint64(writes), st.SamplesPushed)
	require.Zero(t, st.PushDropped)
	require.Equal(t, writes, total)
}

// blocking is a transport whose broadcasts wait until it is released.
type blocking struct {
	release chan struct{}
	mu      sync.Mutex
	sent    int // broadcasts that returned
}

func (b *blocking) Broadcast(ctx context.Context, _ []byte) error {
	select {
	case <-b.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	b.mu.Lock()
	b.sent++
	b.mu.Unlock()
	return nil
}

func (b *blocking) Request(context.Context, string, []byte) ([]byte, error) {
	return nil, memtransport.ErrUnreachable
}

// A flood of puts while the transport takes nothing never waits for it:
// every put returns at its usual pace, what does not fit in the buffer
// is dropped and counted, and once the transport moves again, every
// write is either pushed or counted as dropped.
func TestPushFloodBlockedTransport(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := openMemory(t, 0, &strata.Options{KeyExpr: "push/**"})
	tr := &blocking{release: make(chan struct{})}
	r, err := antientropy.New(s, tr, &antientropy.Options{ID: "r0", MaxMessageSize: antientropy.MinMessageSize})
	require.NoError(t, err)
	defer r.Close()
	ran := make(chan error, 1)
	go func() { ran <- r.Run(ctx) }()

	const writes = 20000
	value := make([]byte, 100)
	start := time.Now()
	for i := range writes {
		_, err := s.Put(ctx, fmt.Sprintf("push/k%d", i), value)
		require.NoError(t, err)
	}
	// 20,000 puts take tens of milliseconds; a put that waited for the
	// transport would never return.
	require.Less(t, time.Since(start), 20*time.Second)
	st := r.Stats()
	require.NotZero(t, st.PushDropped, "the buffer holds 4 messages of 4 KiB")
	require.Less(t, st.PushDropped, uint64(writes))

	close(tr.release)
	require.NoError(t, r.Push(ctx))
	st = r.Stats()
	require.Equal(t, uint64(writes), st.SamplesPushed+st.PushDropped)
	tr.mu.Lock()
	require.Equal(t, st.PushesSent, uint64(tr.sent))
	tr.mu.Unlock()
	cancel()
	require.ErrorIs(t, <-ran, context.Canceled)
}

// Close makes Run return at once, with its push loop, even while a
// broadcast is held up and the context lives on: no goroutine of the
// replica outlives Close.
func TestPushCloseStopsRun(t *testing.T) {
	s := openMemory(t, 0, &strata.Options{KeyExpr: "push/**"})
	tr := &blocking{release: make(chan struct{})}
	r, err := antientropy.New(s, tr, &antientropy.Options{ID: "r0"})
	require.NoError(t, err)
	base := runtime.NumGoroutine()
	ran := make(chan error, 1)
	go func() { ran <- r.Run(context.Background()) }()
	for i := range 100 {
		_, err := s.Put(t.Context(), fmt.Sprintf("push/k%d", i), []byte("v"))
		require.NoError(t, err)
	}
	time.Sleep(5 * time.Millisecond) // the sender is now held up in Broadcast
	require.NoError(t, r.Close())
	close(tr.release)
	select {
	case err := <-ran:
		require.ErrorIs(t, err, antientropy.ErrClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after Close")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines left after Close, %d before Run:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

// keeper is a transport that keeps the push messages it is given, with
// a copy of each as it was then, and says whether it is done with them
// when Broadcast returns.
type keeper struct {
	copies bool
	msgs   [][]byte
	snaps  [][]byte
}

func (k *keeper) BroadcastCopies() bool { return k.copies }
func (k *keeper) Broadcast(_ context.Context, msg []byte) error {
	if antientropy.IsPush(msg) {
		k.msgs, k.snaps = append(k.msgs, msg), append(k.snaps, slices.Clone(msg))
	}
	return nil
}
func (k *keeper) Request(context.Context, string, []byte) ([]byte, error) {
	return nil, memtransport.ErrUnreachable
}

// The buffer of a push message is used again for the next one only if
// the transport says it is done with it when Broadcast returns: a
// transport that keeps messages sees each as it was sent.
func TestPushMessageBuffer(t *testing.T) {
	for _, copies := range []bool{false, true} {
		t.Run(fmt.Sprint("copies=", copies), func(t *testing.T) {
			ctx := t.Context()
			s := openMemory(t, 0, &strata.Options{KeyExpr: "push/**"})
			k := &keeper{copies: copies}
			r, err := antientropy.New(s, &memtransport.Counting{T: k}, &antientropy.Options{ID: "a"})
			require.NoError(t, err)
			defer r.Close()
			for i := range 3 {
				_, err := s.Put(ctx, fmt.Sprintf("push/k%d", i), []byte(strings.Repeat("v", 10*(3-i))))
				require.NoError(t, err)
				require.NoError(t, r.Push(ctx))
			}
			require.Len(t, k.msgs, 3)
			same := unsafe.SliceData(k.msgs[0]) == unsafe.SliceData(k.msgs[2])
			require.Equal(t, copies, same, "the buffer is used again")
			if !copies {
				for i := range k.msgs {
					require.Equal(t, k.snaps[i], k.msgs[i], "message %d changed after it was sent", i)
				}
			}
		})
	}
}
