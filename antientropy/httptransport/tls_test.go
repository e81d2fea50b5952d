// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/internal/testenv"
)

// tlsServer serves a recorder named west over TLS with cfg.
func tlsServer(t *testing.T, cfg *tls.Config, opts *httptransport.HandlerOptions) (*recorder, *httptransport.Handler, *httptest.Server) {
	rec := newRecorder()
	h := httptransport.NewHandler(rec, opts)
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return rec, h, srv
}

func tlsClient(t *testing.T, url string, cfg *tls.Config) *httptransport.Client {
	c, err := httptransport.NewClientWithOptions("east", map[string]string{"west": url}, &httptransport.ClientOptions{TLS: cfg})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestMutualTLS(t *testing.T) {
	ctx := context.Background()
	ca, other := testenv.NewCA(t, "replicas"), testenv.NewCA(t, "elsewhere")
	west, east := ca.Issue(t, "west"), ca.Issue(t, "east")
	rec, h, srv := tlsServer(t, serverTLS(ca, west, false), &httptransport.HandlerOptions{CertNames: true})

	reply, err := tlsClient(t, srv.URL, clientTLS(ca, east)).Request(ctx, "west", []byte("hello"))
	require.NoError(t, err)
	require.Equal(t, "reply to hello", string(reply))

	for name, cfg := range map[string]*tls.Config{
		"certificate of another CA": clientTLS(ca, other.Issue(t, "east")),
		"no certificate":            clientTLS(ca),
		"server of another CA":      clientTLS(other, east),
	} {
		c := tlsClient(t, srv.URL, cfg)
		_, err := c.Request(ctx, "west", []byte("hello"))
		require.Error(t, err, name)
		require.NoError(t, c.Broadcast(ctx, []byte("digest")))
		require.Eventually(t, func() bool { return c.Stats().Peers["west"].Failed == 1 }, testWait, tick, name)
	}
	b, r := rec.counts()
	require.Equal(t, 0, b)
	require.Equal(t, 1, r)
	require.Equal(t, httptransport.HandlerStats{Requests: 1}, h.Stats())
}

// On a server that also serves clients without certificates, the handler
// itself requires one, naming the sender.
func TestClientCertRequiredByHandler(t *testing.T) {
	ctx := context.Background()
	ca := testenv.NewCA(t, "replicas")
	rec, h, srv := tlsServer(t, serverTLS(ca, ca.Issue(t, "west"), true), &httptransport.HandlerOptions{CertNames: true})

	_, err := tlsClient(t, srv.URL, clientTLS(ca)).Request(ctx, "west", []byte("hello"))
	require.ErrorIs(t, err, httptransport.ErrUnauthorized) // 401
	_, err = tlsClient(t, srv.URL, clientTLS(ca, ca.Issue(t, "mallory"))).Request(ctx, "west", []byte("hello"))
	require.ErrorIs(t, err, httptransport.ErrUnauthorized) // 403: mallory speaking for east
	require.ErrorContains(t, err, "does not name the sender")
	_, err = tlsClient(t, srv.URL, clientTLS(ca, ca.Issue(t, "east"))).Request(ctx, "west", []byte("hello"))
	require.NoError(t, err)

	_, r := rec.counts()
	require.Equal(t, 1, r)
	require.Equal(t, uint64(2), h.Stats().Refused)
}

// Two replicas over mutual TLS and a shared secret, with the
// configuration loaded from PEM files, converge.
func TestSecuredReplication(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ca := testenv.NewCA(t, "replicas")
	ca.WriteCert(t, filepath.Join(dir, "ca.crt"))
	names := []string{"east", "west"}
	for _, n := range names {
		testenv.WriteKeyPair(t, filepath.Join(dir, n+".crt"), filepath.Join(dir, n+".key"), ca.Issue(t, n))
	}
	file := func(n string) string { return filepath.Join(dir, n) }

	ft := antientropytest.NewFakeTime()
	stores := []*strata.Store{open(t, ft, 1), open(t, ft, 2)}
	late := []*lateHandler{{}, {}}
	servers := make([]*httptest.Server, 2)
	for i, n := range names {
		cfg, err := httptransport.ServerTLSConfig(file(n+".crt"), file(n+".key"), file("ca.crt"))
		require.NoError(t, err)
		servers[i] = httptest.NewUnstartedServer(httptestMux(late[i]))
		servers[i].TLS = cfg
		servers[i].StartTLS()
		t.Cleanup(servers[i].Close)
	}
	replicas := make([]*antientropy.Replica, 2)
	for i, n := range names {
		cfg, err := httptransport.ClientTLSConfig(file(n+".crt"), file(n+".key"), file("ca.crt"))
		require.NoError(t, err)
		client, err := httptransport.NewClientWithOptions(n, map[string]string{names[1-i]: servers[1-i].URL + "/replication/"},
			&httptransport.ClientOptions{TLS: cfg, Secret: secret})
		require.NoError(t, err)
		t.Cleanup(func() { _ = client.Close() })
		r, err := antientropy.New(stores[i], client, &antientropy.Options{ID: n})
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		late[i].h = httptransport.NewHandler(r, &httptransport.HandlerOptions{Secret: secret, CertNames: true})
		replicas[i] = r
	}
	for i := range 100 {
		_, err := stores[i%2].Put(ctx, fmt.Sprintf("h/k/%03d", i), []byte(fmt.Sprint("value ", i)))
		require.NoError(t, err)
	}
	_, err := stores[1].Delete(ctx, "h/k/00$*")
	require.NoError(t, err)
	ft.Advance(antientropy.DefaultInterval + time.Second)
	require.NoError(t, replicas[0].AlignWith(ctx, "west"))
	require.NoError(t, replicas[1].AlignWith(ctx, "east"))
	antientropytest.RequireSameState(t, stores[0], stores[1])
	require.Len(t, antientropytest.Live(t, stores[0]), 90)
	for i := range late {
		require.Zero(t, late[i].h.Stats().Refused)
	}

	_, err = httptransport.ServerTLSConfig(file("east.crt"), file("east.key"), file("none"))
	require.Error(t, err)
	_, err = httptransport.ClientTLSConfig(file("east.crt"), "", "")
	require.Error(t, err)
}

// NewServer serves a Handler over mutual TLS with its deadlines set.
func TestNewServer(t *testing.T) {
	ca := testenv.NewCA(t, "replicas")
	rec := newRecorder()
	srv := httptransport.NewServer(httptransport.NewHandler(rec, nil), serverTLS(ca, ca.Issue(t, "west"), false))
	require.Equal(t, httptransport.ServerReadHeaderTimeout, srv.ReadHeaderTimeout)
	require.Equal(t, httptransport.ServerReadTimeout, srv.ReadTimeout)
	require.Equal(t, httptransport.ServerWriteTimeout, srv.WriteTimeout)
	require.Equal(t, httptransport.ServerIdleTimeout, srv.IdleTimeout)
	srv.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	t.Cleanup(func() { _ = srv.Close() })

	url := "https://" + ln.Addr().String()
	reply, err := tlsClient(t, url, clientTLS(ca, ca.Issue(t, "east"))).Request(context.Background(), "west", []byte("hello"))
	require.NoError(t, err)
	require.Equal(t, "reply to hello", string(reply))
	_, err = tlsClient(t, url, clientTLS(ca)).Request(context.Background(), "west", []byte("hello"))
	require.Error(t, err, "a client without a certificate")
}
