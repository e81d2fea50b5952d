// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/internal/testenv"
)

// benchSetup is one way of securing the transport.
type benchSetup struct {
	name      string
	tls, mtls bool
	secret    bool
}

var benchSetups = []benchSetup{
	{name: "plain"}, {name: "secret", secret: true}, {name: "tls", tls: true},
	{name: "mtls", tls: true, mtls: true}, {name: "mtls+secret", tls: true, mtls: true, secret: true},
}

// benchPair returns a client named east and the recorder (west) it
// reaches, secured as s says.
func benchPair(b *testing.B, s benchSetup) (*httptransport.Client, *recorder) {
	rec := newRecorder()
	var ho httptransport.HandlerOptions
	co := httptransport.ClientOptions{}
	if s.secret {
		ho.Secret, co.Secret = secret, secret
	}
	srv := httptest.NewUnstartedServer(httptransport.NewHandler(rec, &ho))
	if s.tls {
		ca := testenv.NewCA(b, "replicas")
		srv.TLS = serverTLS(ca, ca.Issue(b, "west"), false)
		if !s.mtls {
			srv.TLS.ClientAuth = tls.NoClientCert
			co.TLS = clientTLS(ca)
		} else {
			co.TLS = clientTLS(ca, ca.Issue(b, "east"))
		}
		srv.StartTLS()
	} else {
		srv.Start()
	}
	b.Cleanup(srv.Close)
	c, err := httptransport.NewClientWithOptions("east", map[string]string{"west": srv.URL}, &co)
	require.NoError(b, err)
	b.Cleanup(func() { _ = c.Close() })
	return c, rec
}

// BenchmarkRequest measures one request and its reply over loopback,
// connections reused, by security set-up and message size.
func BenchmarkRequest(b *testing.B) {
	ctx := context.Background()
	for _, s := range benchSetups {
		for _, size := range []int{1 << 10, 64 << 10} {
			b.Run(fmt.Sprintf("%s/%dKiB", s.name, size>>10), func(b *testing.B) {
				c, _ := benchPair(b, s)
				msg := make([]byte, size)
				b.SetBytes(int64(size))
				for b.Loop() {
					if _, err := c.Request(ctx, "west", msg); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBroadcastDelivery measures the time from Broadcast to the
// peer's handler receiving the message, one at a time, over loopback.
func BenchmarkBroadcastDelivery(b *testing.B) {
	ctx := context.Background()
	for _, s := range benchSetups {
		b.Run(s.name, func(b *testing.B) {
			c, rec := benchPair(b, s)
			msg := make([]byte, 1<<10)
			for b.Loop() {
				if err := c.Broadcast(ctx, msg); err != nil {
					b.Fatal(err)
				}
				<-rec.got
			}
		})
	}
}
