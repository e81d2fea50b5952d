// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy/httptransport"
)

var (
	secret      = []byte("0123456789abcdef0123456789abcdef")
	otherSecret = []byte("fedcba9876543210fedcba9876543210")
)

// capture passes requests to h and keeps a copy of the last one, headers
// and body, so that a test can replay or alter it.
type capture struct {
	h      http.Handler
	mu     sync.Mutex
	header http.Header
	body   []byte
	path   string
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	header, path := r.Header.Clone(), r.URL.Path
	r.Body = io.NopCloser(io.TeeReader(r.Body, &body)) // the handler reads the body as sent
	c.h.ServeHTTP(w, r)
	c.mu.Lock()
	c.header, c.body, c.path = header, body.Bytes(), path
	c.mu.Unlock()
}

// resend posts the captured request again, with body instead if not nil.
func (c *capture) resend(t *testing.T, base string, body []byte) *http.Response {
	c.mu.Lock()
	if body == nil {
		body = c.body
	}
	header, path := c.header.Clone(), c.path
	c.mu.Unlock()
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// signedServer serves a recorder named west behind a Handler with opts,
// through a capture.
func signedServer(t *testing.T, opts *httptransport.HandlerOptions) (*recorder, *httptransport.Handler, *capture, *httptest.Server) {
	rec := newRecorder()
	h := httptransport.NewHandler(rec, opts)
	c := &capture{h: h}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return rec, h, c, srv
}

func newSignedClient(t *testing.T, url string, key []byte) *httptransport.Client {
	c, err := httptransport.NewClientWithOptions("east", map[string]string{"west": url}, &httptransport.ClientOptions{Secret: key})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestSecretSignsMessagesAndReplies(t *testing.T) {
	ctx := context.Background()
	rec, h, _, srv := signedServer(t, &httptransport.HandlerOptions{Secret: secret})
	c := newSignedClient(t, srv.URL+"/replication", secret)

	reply, err := c.Request(ctx, "west", []byte("hello"))
	require.NoError(t, err)
	require.Equal(t, "reply to hello", string(reply))
	require.NoError(t, c.Broadcast(ctx, []byte("digest")))
	require.Equal(t, "digest", <-rec.got)
	require.Equal(t, []string{"east:hello"}, rec.requests)
	require.Equal(t, httptransport.HandlerStats{Broadcasts: 1, Requests: 1}, h.Stats())
	require.Eventually(t, func() bool { return c.Stats().Peers["west"].Sent == 1 }, testWait, tick)
}

func TestWrongSecretIsRefused(t *testing.T) {
	ctx := context.Background()
	rec, h, _, srv := signedServer(t, &httptransport.HandlerOptions{Secret: secret})
	for name, c := range map[string]*httptransport.Client{
		"wrong secret": newSignedClient(t, srv.URL+"/replication", otherSecret),
		"no secret":    httptransport.NewClient("east", map[string]string{"west": srv.URL + "/replication"}, nil, 0),
	} {
		_, err := c.Request(ctx, "west", []byte("hello"))
		require.ErrorIs(t, err, httptransport.ErrUnauthorized, name)
		require.NoError(t, c.Broadcast(ctx, []byte("digest")))
		require.Eventually(t, func() bool { return c.Stats().Peers["west"].Failed == 1 }, testWait, tick, name)
	}
	b, r := rec.counts()
	require.Zero(t, b+r, "the replica saw a refused message")
	require.Equal(t, httptransport.HandlerStats{Refused: 4}, h.Stats())

	// A message signed for another receiver does not verify either.
	_, h2, _, srv2 := signedServer(t, &httptransport.HandlerOptions{Secret: secret, ID: "north"})
	_, err := newSignedClient(t, srv2.URL, secret).Request(ctx, "west", []byte("hello"))
	require.ErrorIs(t, err, httptransport.ErrUnauthorized)
	require.Equal(t, uint64(1), h2.Stats().Refused)
}

func TestPreviousSecretIsAccepted(t *testing.T) {
	_, _, _, srv := signedServer(t, &httptransport.HandlerOptions{Secret: otherSecret, PreviousSecret: secret})
	for _, key := range [][]byte{secret, otherSecret} {
		reply, err := newSignedClient(t, srv.URL, key).Request(context.Background(), "west", []byte("x"))
		require.NoError(t, err)
		require.Equal(t, "reply to x", string(reply))
	}
	require.Panics(t, func() {
		httptransport.NewHandler(newRecorder(), &httptransport.HandlerOptions{Secret: []byte("short")})
	})
	_, err := httptransport.NewClientWithOptions("east", nil, &httptransport.ClientOptions{Secret: []byte("short")})
	require.Error(t, err)
}

func TestReplayedMessageIsRefused(t *testing.T) {
	rec, h, capt, srv := signedServer(t, &httptransport.HandlerOptions{Secret: secret})
	c := newSignedClient(t, srv.URL, secret)
	_, err := c.Request(context.Background(), "west", []byte("hello"))
	require.NoError(t, err)

	resp := capt.resend(t, srv.URL, nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Contains(t, resp.Header.Get("WWW-Authenticate"), "Strata-HMAC-SHA256")
	_, r := rec.counts()
	require.Equal(t, 1, r)
	require.Equal(t, uint64(1), h.Stats().Refused)

	// Altered headers do not verify.
	capt.mu.Lock()
	capt.header.Set(httptransport.HeaderNonce, "AAAAAAAAAAAAAAAAAAAAAA")
	capt.mu.Unlock()
	require.Equal(t, http.StatusUnauthorized, capt.resend(t, srv.URL, nil).StatusCode)
	capt.mu.Lock()
	capt.header.Del(httptransport.HeaderSignature)
	capt.mu.Unlock()
	require.Equal(t, http.StatusUnauthorized, capt.resend(t, srv.URL, nil).StatusCode)
	_, r = rec.counts()
	require.Equal(t, 1, r)
}

// A message captured before the receiver restarted (a new Handler, whose
// nonces start empty) is refused after it, while new messages pass.
func TestReplayAfterRestartIsRefused(t *testing.T) {
	rec, _, capt, srv := signedServer(t, &httptransport.HandlerOptions{Secret: secret})
	c := newSignedClient(t, srv.URL, secret)
	_, err := c.Request(context.Background(), "west", []byte("hello"))
	require.NoError(t, err)

	time.Sleep(2 * time.Millisecond) // the restart comes after the message's millisecond
	rec2 := newRecorder()
	h2 := httptransport.NewHandler(rec2, &httptransport.HandlerOptions{Secret: secret})
	srv2 := httptest.NewServer(h2)
	t.Cleanup(srv2.Close)

	resp := capt.resend(t, srv2.URL, nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	_, r := rec2.counts()
	require.Zero(t, r, "the replica saw a replayed message")
	require.Equal(t, uint64(1), h2.Stats().Refused)

	c2 := newSignedClient(t, srv2.URL, secret)
	reply, err := c2.Request(context.Background(), "west", []byte("after"))
	require.NoError(t, err)
	require.Equal(t, "reply to after", string(reply))
	_, r = rec.counts()
	require.Equal(t, 1, r)
}

func TestTruncatedMessageIsRefused(t *testing.T) {
	rec, h, capt, srv := signedServer(t, &httptransport.HandlerOptions{Secret: secret, MaxMessageSize: 64})
	c := newSignedClient(t, srv.URL, secret)
	msg := []byte(strings.Repeat("m", 40))
	_, err := c.Request(context.Background(), "west", msg)
	require.NoError(t, err)

	// A shorter body with the signature of the whole one.
	require.Equal(t, http.StatusUnauthorized, capt.resend(t, srv.URL, msg[:30]).StatusCode)

	// A body that ends before its Content-Length, and one over the limit.
	capt.mu.Lock()
	header := capt.header.Clone()
	capt.mu.Unlock()
	require.Equal(t, http.StatusBadRequest, rawPost(t, srv.Listener.Addr().String(), header, 40, msg[:30]))
	_, err = c.Request(context.Background(), "west", []byte(strings.Repeat("m", 65)))
	require.ErrorContains(t, err, "413")

	_, r := rec.counts()
	require.Equal(t, 1, r, "the replica saw a refused message")
	st := h.Stats()
	require.Equal(t, uint64(1), st.Refused)
	require.Equal(t, uint64(2), st.Invalid)
}

// rawPost writes a request to /request at addr with header and a
// Content-Length of length but only body, then closes its side, and
// returns the status answered.
func rawPost(t *testing.T, addr string, header http.Header, length int, body []byte) int {
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST /request HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", addr, length)
	header.Del("Content-Length")
	require.NoError(t, header.Write(&b))
	b.WriteString("\r\n")
	b.Write(body)
	_, err = conn.Write(b.Bytes())
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// A reply altered on the way (or forged by something that does not hold
// the secret) is refused by the client.
func TestForgedReplyIsRefused(t *testing.T) {
	rec := newRecorder()
	h := httptransport.NewHandler(rec, &httptransport.HandlerOptions{Secret: secret})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := httptest.NewRecorder()
		h.ServeHTTP(rw, r)
		for k, v := range rw.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.Code)
		_, _ = w.Write(bytes.ToUpper(rw.Body.Bytes()))
	}))
	defer srv.Close()
	_, err := newSignedClient(t, srv.URL, secret).Request(context.Background(), "west", []byte("hello"))
	require.True(t, errors.Is(err, httptransport.ErrUnauthorized), "got %v", err)
}
