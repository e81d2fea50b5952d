// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"net/http"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeReplicationNATS runs two servers that replicate through an
// in-process NATS server, with no replication endpoint over HTTP.
func TestServeReplicationNATS(t *testing.T) {
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	require.NoError(t, err)
	ns.Start()
	t.Cleanup(ns.Shutdown)
	require.True(t, ns.ReadyForConnections(20*time.Second))

	r := newRunner(t)
	var servers []*server
	for _, id := range []string{"east", "west"} {
		servers = append(servers, startServer(t, r, "memory:", "-keyexpr", "demo/**", "-id", id, "-nats", ns.ClientURL(), "-interval", "1s"))
	}
	code, _, _ := servers[0].do(http.MethodPut, "/demo/from/east", "e", "Content-Type", "text/plain")
	require.Equal(t, http.StatusOK, code)
	require.Eventually(t, func() bool {
		code, body, _ := servers[1].do(http.MethodGet, "/demo/from/east?_raw", "")
		return code == http.StatusOK && body == "e"
	}, 20*time.Second, 50*time.Millisecond)
	code, _, _ = servers[1].do(http.MethodPost, replicationPath+"/request", "x")
	assert.NotEqual(t, http.StatusOK, code, "no replication endpoint over HTTP")
	for _, s := range servers {
		s.stop()
	}
	r.fails(2, []string{"-nats and -peers: choose one transport"}, "serve", "-id", "e", "-nats", ns.ClientURL(), "-peers", "w=http://a", "memory:")
	r.fails(2, []string{"-nats-creds needs -nats"}, "serve", "-nats-creds", "x.creds", "memory:")
}
