// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy/httptransport"
)

func TestParsePeers(t *testing.T) {
	peers, err := httptransport.ParsePeers(" west=http://127.0.0.1:8002/, north=https://n.example ,", "/replication")
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"west": "http://127.0.0.1:8002/replication", "north": "https://n.example/replication",
	}, peers)
	empty, err := httptransport.ParsePeers("", "/r")
	require.NoError(t, err)
	require.Empty(t, empty)
	for _, bad := range []string{"west", "=http://x", "west=ftp://x", "a=http://x,a=http://y"} {
		_, err := httptransport.ParsePeers(bad, "/r")
		require.Error(t, err, bad)
	}
}
