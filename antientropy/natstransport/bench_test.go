// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy/natstransport"
)

// echo is a Receiver that answers a request with the message and signals
// every broadcast.
type echo struct{ got chan []byte }

func (e *echo) HandleBroadcast(_ context.Context, _ string, msg []byte) error {
	e.got <- msg
	return nil
}

func (e *echo) HandleRequest(_ context.Context, _ string, msg []byte) ([]byte, error) {
	return msg, nil
}

// benchPair returns the transport of east and the receiver of west, each
// on its own connection to one in-process server.
func benchPair(b *testing.B) (*natstransport.Transport, *echo) {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	require.NoError(b, err)
	srv.Start()
	b.Cleanup(srv.Shutdown)
	require.True(b, srv.ReadyForConnections(testWait))
	e := &echo{got: make(chan []byte, 16)}
	var east *natstransport.Transport
	for _, name := range []string{"east", "west"} {
		nc, err := nats.Connect(srv.ClientURL())
		require.NoError(b, err)
		b.Cleanup(nc.Close)
		tr, err := natstransport.New(nc, name, &natstransport.Options{Space: "bench"})
		require.NoError(b, err)
		b.Cleanup(func() { _ = tr.Close() })
		if name == "west" {
			require.NoError(b, tr.Serve(e))
		} else {
			east = tr
		}
	}
	return east, e
}

// BenchmarkRequest measures one request and its reply through a server
// on loopback, by message size.
func BenchmarkRequest(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			east, _ := benchPair(b)
			msg := make([]byte, size)
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := east.Request(ctx, "west", msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBroadcastDelivery measures the time from Broadcast to the
// peer's handler receiving the message, one at a time.
func BenchmarkBroadcastDelivery(b *testing.B) {
	ctx := context.Background()
	east, west := benchPair(b)
	msg := make([]byte, 1<<10)
	for b.Loop() {
		if err := east.Broadcast(ctx, msg); err != nil {
			b.Fatal(err)
		}
		<-west.got
	}
}
