// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/httptransport"
)

// Generous bounds for things that happen at once on an idle machine; the
// tests assert what happens, never how fast.
const (
	testWait = 20 * time.Second
	tick     = 5 * time.Millisecond
)

// silentPeer accepts TCP connections and never reads from them nor
// answers: a peer whose process hangs.
type silentPeer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	done  chan struct{}
}

func newSilentPeer(t *testing.T) *silentPeer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &silentPeer{ln: ln, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *silentPeer) url() string { return "http://" + s.ln.Addr().String() + "/replication" }

func (s *silentPeer) close() {
	_ = s.ln.Close()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
	s.conns = nil
}

func (s *silentPeer) accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// A peer that accepts connections and never answers delays no broadcast
// to a healthy peer, costs a bounded number of goroutines however many
// broadcasts go out, and nothing once the client is closed.
func TestSilentPeerDelaysNoOne(t *testing.T) {
	ctx := context.Background()
	rec := newRecorder()
	healthy := httptest.NewServer(httptransport.NewHandler(rec, nil))
	defer healthy.Close()
	silent := newSilentPeer(t)
	base := runtime.NumGoroutine()

	c, err := httptransport.NewClientWithOptions("east",
		map[string]string{"west": healthy.URL, "silent": silent.url()},
		&httptransport.ClientOptions{BroadcastTimeout: time.Hour}) // longer than the test: the posts hang
	require.NoError(t, err)
	send := func(n int) {
		for i := range n {
			msg := fmt.Sprint("digest ", i)
			require.NoError(t, c.Broadcast(ctx, []byte(msg)))
			select {
			case got := <-rec.got:
				require.Equal(t, msg, got)
			case <-time.After(testWait):
				t.Fatalf("broadcast %d did not reach the healthy peer", i)
			}
		}
	}
	send(100)
	first := runtime.NumGoroutine()
	send(200)
	require.Eventually(t, func() bool { return c.Stats().Peers["west"].Sent == 300 }, testWait, tick) // counted after the answer
	st := c.Stats()
	require.Zero(t, st.Peers["west"].Dropped+st.Peers["west"].Failed)
	// At most MaxInFlight posts hang; QueueLength more wait; the rest is
	// dropped for the silent peer alone.
	inFlight, queued := httptransport.DefaultMaxInFlight, httptransport.DefaultQueueLength
	require.GreaterOrEqual(t, st.Peers["silent"].Dropped, uint64(300-inFlight-queued))
	require.Zero(t, st.Peers["silent"].Sent)
	require.LessOrEqual(t, silent.accepted(), inFlight)
	require.LessOrEqual(t, runtime.NumGoroutine(), first+2, "goroutines grew with broadcasts")
	require.Less(t, first-base, 30)

	require.NoError(t, c.Close())
	require.ErrorIs(t, c.Broadcast(ctx, []byte("late")), httptransport.ErrClosed)
	healthy.CloseClientConnections()
	silent.close()
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= base+2 }, testWait, tick,
		"goroutines left after Close: %d, before: %d", runtime.NumGoroutine(), base)
}

// A request to a silent peer ends at its deadline, by default or as set.
func TestSilentPeerRequestDeadline(t *testing.T) {
	silent := newSilentPeer(t)
	c, err := httptransport.NewClientWithOptions("east", map[string]string{"silent": silent.url()},
		&httptransport.ClientOptions{RequestTimeout: 50 * time.Millisecond})
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Request(context.Background(), "silent", []byte("hello"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, uint64(1), c.Stats().Failed)

	// A server that receives headers and then nothing ends the request at
	// its read deadline, without the replica.
	rec := newRecorder()
	srv := httptest.NewServer(httptransport.NewHandler(rec, &httptransport.HandlerOptions{ReadTimeout: 50 * time.Millisecond}))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /request HTTP/1.1\r\nHost: x\r\n%s: east\r\nContent-Length: 10\r\n\r\n12345", httptransport.Header)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(testWait)))
	buf := make([]byte, 64)
	n, _ := conn.Read(buf)
	require.Contains(t, string(buf[:n]), "400")
	b, r := rec.counts()
	require.Zero(t, b+r)
}

// A replica with a silent peer keeps publishing every digest to its
// healthy peer, which keeps aligning.
func TestReplicaPublishesPastSilentPeer(t *testing.T) {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime()
	east, west := open(t, ft, 1), open(t, ft, 2)
	silent := newSilentPeer(t)
	lh := &lateHandler{}
	westSrv := httptest.NewServer(httptestMux(lh))
	defer westSrv.Close()
	eastLH := &lateHandler{}
	eastSrv := httptest.NewServer(eastLH)
	defer eastSrv.Close()

	eastClient, err := httptransport.NewClientWithOptions("east",
		map[string]string{"west": westSrv.URL + "/replication", "silent": silent.url()}, nil)
	require.NoError(t, err)
	defer eastClient.Close()
	re, err := antientropy.New(east, eastClient, &antientropy.Options{ID: "east"})
	require.NoError(t, err)
	defer re.Close()
	eastLH.h = httptransport.NewHandler(re, nil)
	westClient := httptransport.NewClient("west", map[string]string{"east": eastSrv.URL}, nil, 0)
	defer westClient.Close()
	rw, err := antientropy.New(west, westClient, &antientropy.Options{ID: "west"})
	require.NoError(t, err)
	defer rw.Close()
	lh.h = httptransport.NewHandler(rw, nil)

	const rounds = 50
	for i := range rounds {
		_, err := east.Put(ctx, fmt.Sprintf("h/k/%d", i), []byte("v"))
		require.NoError(t, err)
		ft.Advance(antientropy.DefaultInterval)
		require.NoError(t, re.Publish(ctx))
		require.Eventually(t, func() bool { return lh.h.Stats().Broadcasts == uint64(i+1) }, testWait, tick,
			"digest %d did not reach the healthy peer", i)
	}
	// The last write is in the digest after one more interval.
	ft.Advance(antientropy.DefaultInterval)
	require.NoError(t, re.Publish(ctx))
	require.Eventually(t, func() bool { return len(antientropytest.Live(t, west)) == rounds }, testWait, tick)
	require.GreaterOrEqual(t, eastClient.Stats().Peers["silent"].Dropped, uint64(rounds-httptransport.DefaultMaxInFlight-httptransport.DefaultQueueLength))
}
