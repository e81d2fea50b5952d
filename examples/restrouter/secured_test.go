// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/internal/testenv"
)

// writeCerts writes to dir a CA (ca.crt) and, for each name, a
// certificate for name and 127.0.0.1 (name.crt, name.key); it returns the
// CA's pool.
func writeCerts(t *testing.T, dir string, names ...string) *x509.CertPool {
	ca := testenv.NewCA(t, "replicas")
	ca.WriteCert(t, filepath.Join(dir, "ca.crt"))
	for _, name := range names {
		testenv.WriteKeyPair(t, filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key"), ca.Issue(t, name))
	}
	return ca.Pool
}

// TestRunReplicatesSecured runs two routers that replicate over mutual
// TLS with signed messages, set up by flags; a client without a
// certificate reads the key/value API but cannot take part in
// replication.
func TestRunReplicatesSecured(t *testing.T) {
	dir := t.TempDir()
	pool := writeCerts(t, dir, "east", "west")
	secretFile := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(secretFile, []byte("0123456789abcdef0123456789abcdef\n"), 0o600))
	f := func(n string) string { return filepath.Join(dir, n) }

	lns := []net.Listener{listen(t), listen(t)}
	urls := []string{"https://" + lns[0].Addr().String(), "https://" + lns[1].Addr().String()}
	names := []string{"east", "west"}
	for i, n := range names {
		cfg, err := parseFlags([]string{"-id", n, "-peers", names[1-i] + "=" + urls[1-i], "-interval", "1s",
			"-tls-cert", f(n + ".crt"), "-tls-key", f(n + ".key"), "-tls-ca", f("ca.crt"), "-secret-file", secretFile}, io.Discard)
		require.NoError(t, err)
		start(t, cfg, lns[i])
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer client.CloseIdleConnections()
	do := func(method, url, body string) (int, string) {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set(httptransport.Header, "east")
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}

	code, _ := do("PUT", urls[0]+"/demo/from/east", "e")
	require.Equal(t, http.StatusOK, code)
	require.Eventually(t, func() bool {
		code, body := do("GET", urls[1]+"/demo/from/east?_raw", "")
		return code == http.StatusOK && body == "e"
	}, 20*time.Second, 50*time.Millisecond)

	code, _ = do("POST", urls[1]+replicationPath+"/request", "x")
	require.Equal(t, http.StatusUnauthorized, code, "a replication request without a client certificate")
	_, body := do("GET", urls[1]+statsPath, "")
	require.Regexp(t, `"(SamplesFetched|SamplesPushedIn)": [1-9]`, body, "samples arrived by push or by alignment")
}
