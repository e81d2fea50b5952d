// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"
)

// TestRunReplicatesOverNATS runs two routers that replicate through an
// in-process NATS server, and serve no /replication/ endpoint.
func TestRunReplicatesOverNATS(t *testing.T) {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	require.NoError(t, err)
	ns.Start()
	t.Cleanup(ns.Shutdown)
	require.True(t, ns.ReadyForConnections(20*time.Second))

	var urls []string
	for _, id := range []string{"east", "west"} {
		cfg, err := parseFlags([]string{"-id", id, "-nats", ns.ClientURL(), "-interval", "1s"}, io.Discard)
		require.NoError(t, err)
		urls = append(urls, start(t, cfg, listen(t)))
	}
	code, _ := request(t, "PUT", urls[0]+"/demo/from/east", "e")
	require.Equal(t, http.StatusOK, code)
	require.Eventually(t, func() bool {
		code, body := request(t, "GET", urls[1]+"/demo/from/east?_raw", "")
		return code == http.StatusOK && body == "e"
	}, 20*time.Second, 50*time.Millisecond)
	code, _ = request(t, "POST", urls[1]+replicationPath+"/request", "x")
	require.Equal(t, http.StatusNotFound, code)

	for _, args := range [][]string{
		{"-nats", ns.ClientURL()},
		{"-id", "e", "-nats", ns.ClientURL(), "-peers", "w=http://a"},
		{"-nats-creds", "x.creds"},
	} {
		_, err := parseFlags(args, io.Discard)
		require.Error(t, err, "%q", args)
	}
}
