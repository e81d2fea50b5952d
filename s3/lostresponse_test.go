// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

// faultProxy is a TCP proxy on loopback between a client and the S3
// server. Armed with a request-line prefix ("PUT /bucket/key"), it lets the
// next such request through to the server and then loses its response:
// with dropMode it closes the client's connection once the server has
// answered (the client sees the connection fail after the write was
// applied), without it it holds the response and the connection until the
// proxy closes.
type faultProxy struct {
	ln       net.Listener
	upstream string

	mu       sync.Mutex
	armed    []byte
	dropMode bool
	conns    []net.Conn

	lost     atomic.Int32 // responses lost
	answered chan struct{}
	wg       sync.WaitGroup
}

func startFaultProxy(t *testing.T, upstream string) *faultProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &faultProxy{ln: ln, upstream: upstream, answered: make(chan struct{}, 16)}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *faultProxy) arm(requestLine string, drop bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed, p.dropMode = []byte(requestLine), drop
}

func (p *faultProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *faultProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.upstream)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		var fault atomic.Int32 // 0 none, 1 drop, 2 hold: the next response
		go p.forwardRequests(c, s, &fault)
		go p.forwardResponses(s, c, &fault)
	}
}

// forwardRequests copies client → server and watches for the armed
// request line. Requests on one connection are sequential (HTTP/1.1
// without pipelining), so the next bytes from the server answer it.
func (p *faultProxy) forwardRequests(c, s net.Conn, fault *atomic.Int32) {
	defer p.wg.Done()
	defer s.Close()
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		n, err := c.Read(buf)
		if n > 0 {
			window := append(tail, buf[:n]...)
			p.mu.Lock()
			if p.armed != nil && bytes.Contains(window, p.armed) {
				mode := int32(2)
				if p.dropMode {
					mode = 1
				}
				fault.Store(mode)
				p.armed = nil
			}
			p.mu.Unlock()
			if len(window) > 256 {
				window = window[len(window)-256:]
			}
			tail = append(tail[:0], window...)
			if _, err := s.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// forwardResponses copies server → client, except the response to the
// armed request.
func (p *faultProxy) forwardResponses(s, c net.Conn, fault *atomic.Int32) {
	defer p.wg.Done()
	defer c.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := s.Read(buf)
		if n > 0 {
			switch fault.Load() {
			case 1: // the server answered: the write is applied; lose it
				p.lost.Add(1)
				p.answered <- struct{}{}
				return
			case 2:
				p.lost.Add(1)
				p.answered <- struct{}{}
				_, _ = io.Copy(io.Discard, s) // until the proxy closes
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// proxiedStore opens a Store over a backend whose client reaches the
// shared server through a faultProxy.
func proxiedStore(t *testing.T) (*faultProxy, *s3.Backend, *strata.Store, string) {
	srv := testenv.S3(t)
	p := startFaultProxy(t, srv.Endpoint)
	client, err := s3.NewClient(s3.ClientConfig{Endpoint: "http://" + p.ln.Addr().String(), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	require.NoError(t, err)
	bucket := makeBucket(t, newClient(t, nil), "lost")
	b := openBackend(t, client, bucket, nil)
	st, err := strata.Open(bg, b, &strata.Options{KeyExpr: "k/**", Logger: quiet, GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close(bg) })
	return p, b, st, bucket
}

// TestLostPutResponse: the server applies a Store's conditional PUT but
// the response is lost; minio-go sends the PUT again, and the second one
// fails its precondition (412) because of the first. The write was
// applied: the Store must report it so (Inserted, no error) and its
// watchers must see it, as for any write; and the backend's version cache
// must hold the stored state afterwards, so that the next write is plain
// sailing.
//
// The Store part needs the Store to take "after a conflict, the stored
// entry has exactly this sample's timestamp and kind" as this write,
// applied.
func TestLostPutResponse(t *testing.T) {
	p, b, st, bucket := proxiedStore(t)
	var seen []strata.Sample
	var mu sync.Mutex
	stop := st.Watch(func(smp strata.Sample) { mu.Lock(); seen = append(seen, smp); mu.Unlock() })
	defer stop()

	smp := strata.Sample{Key: "k/lost", Value: []byte("v"), Timestamp: ts(5), Kind: strata.KindPut}
	p.arm("PUT /"+bucket+"/k/lost", true)
	res, err := st.Apply(bg, smp)
	require.Equal(t, int32(1), p.lost.Load(), "the proxy lost no response")
	require.NoError(t, err)
	stored, err := b.Get(bg, "k/lost")
	require.NoError(t, err)
	require.Equal(t, ts(5), stored.Timestamp, "the first PUT was applied")
	require.Equal(t, strata.Inserted, res,
		"a write whose response was lost, and whose retry found the write itself, is applied, not Outdated")
	mu.Lock()
	require.Len(t, seen, 1, "Watch did not see the applied write")
	require.Equal(t, ts(5), seen[0].Timestamp)
	mu.Unlock()

	// The backend after the 412: the cache holds the stored state, and
	// the next write replaces it.
	e, v, err := b.StatVersion(bg, "k/lost")
	require.NoError(t, err)
	require.Equal(t, ts(5), e.Timestamp)
	require.NotEmpty(t, v)
	res, err = st.Apply(bg, strata.Sample{Key: "k/lost", Value: []byte("w"), Timestamp: ts(6), Kind: strata.KindPut})
	require.NoError(t, err)
	require.Equal(t, strata.Replaced, res)
}

// TestLostPutResponseBackend: the same fault under the backend alone. The
// retried PUT's 412 is a conflict, and the next StatVersion reads what the
// first PUT stored.
func TestLostPutResponseBackend(t *testing.T) {
	p, b, _, bucket := proxiedStore(t)
	p.arm("PUT /"+bucket+"/k/b", true)
	err := b.PutIfVersion(bg, "k/b", val("v", 5), "")
	require.Equal(t, int32(1), p.lost.Load())
	require.ErrorIs(t, err, backend.ErrConflict, "minio-go retried the PUT, and the retry found the first attempt")
	e, v, err := b.StatVersion(bg, "k/b")
	require.NoError(t, err)
	require.Equal(t, ts(5), e.Timestamp)
	require.NoError(t, b.PutIfVersion(bg, "k/b", val("w", 6), v))
}

// TestHeldPutResponse: the response is held until the caller's context
// ends. The outcome is unknown to the Store (an error), the write is
// applied at the server, and an older sample that comes next must still
// lose: the backend does not trust its cache for a key whose last write
// has an unknown outcome.
func TestHeldPutResponse(t *testing.T) {
	p, b, st, bucket := proxiedStore(t)
	p.arm("PUT /"+bucket+"/k/held", false)
	ctx, cancel := context.WithTimeout(bg, 500*time.Millisecond)
	defer cancel()
	_, err := st.Apply(ctx, strata.Sample{Key: "k/held", Value: []byte("v"), Timestamp: ts(5), Kind: strata.KindPut})
	require.Error(t, err)
	require.Equal(t, int32(1), p.lost.Load())
	<-p.answered
	stored, err := b.Get(bg, "k/held")
	require.NoError(t, err)
	require.Equal(t, ts(5), stored.Timestamp, "the server applied the held PUT")
	res, err := st.Apply(bg, strata.Sample{Key: "k/held", Value: []byte("old"), Timestamp: ts(4), Kind: strata.KindPut})
	require.NoError(t, err)
	require.Equal(t, strata.Outdated, res, "an older sample replaced a write whose response was held")
	got, err := b.Get(bg, "k/held")
	require.NoError(t, err)
	require.Equal(t, "v", string(got.Value))
}

// TestLostCreateMetaResponse: CreateMeta whose response is lost reports a
// conflict (the retry found the record that the first attempt created),
// and the record holds this process's value: the caller that reads and
// compares after a conflict finds its own.
func TestLostCreateMetaResponse(t *testing.T) {
	p, b, _, bucket := proxiedStore(t)
	p.arm("PUT /"+bucket+"/%21meta/cfg", true)
	err := b.CreateMeta(bg, "cfg", []byte("mine"))
	require.Equal(t, int32(1), p.lost.Load(), "the proxy lost no response")
	require.ErrorIs(t, err, backend.ErrConflict)
	v, err := b.GetMeta(bg, "cfg")
	require.NoError(t, err)
	require.Equal(t, "mine", string(v))
}
