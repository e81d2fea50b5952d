// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/nats-io/nats.go"

	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/antientropy/natstransport"
)

// replicationPath is where serve mounts the replication endpoint of
// package httptransport; a peer's -peers URL is its base URL, to which it
// is appended.
const replicationPath = adminPrefix + "replication"

// security is what the TLS and secret flags load.
type security struct {
	serverTLS, clientTLS *tls.Config // nil: plain HTTP
	secret               []byte      // nil: messages are not signed
}

// loadSecurity reads the files that the flags name.
func loadSecurity(f *serveFlags) (security, error) {
	var sec security
	if f.secretFile != "" {
		b, err := os.ReadFile(f.secretFile)
		if err != nil {
			return sec, fmt.Errorf("-secret-file: %w", err)
		}
		// A trailing newline is not part of the secret.
		if sec.secret = bytes.TrimSpace(b); len(sec.secret) < httptransport.MinSecretSize {
			return sec, fmt.Errorf("-secret-file: %d bytes, want at least %d (make one with `openssl rand -hex 32`)",
				len(sec.secret), httptransport.MinSecretSize)
		}
	}
	if f.tlsCert == "" {
		return sec, nil
	}
	var err error
	if sec.serverTLS, err = httptransport.ServerTLSConfig(f.tlsCert, f.tlsKey, f.tlsCA); err != nil {
		return sec, err
	}
	if f.tlsCA != "" {
		// Clients of the REST API need no certificate; the replication
		// handler requires one (HandlerOptions.RequireClientCert).
		sec.serverTLS.ClientAuth = tls.VerifyClientCertIfGiven
		sec.clientTLS, err = httptransport.ClientTLSConfig(f.tlsCert, f.tlsKey, f.tlsCA)
	} else {
		sec.clientTLS, err = httptransport.ClientTLSConfig("", "", "")
	}
	return sec, err
}

// transport is the replication transport the flags choose: HTTP to
// -peers (serve mounts the endpoint), or NATS at -nats.
type transport struct {
	antientropy.Transport
	maxMessageSize int                                // 0: the default
	serve          func(r *antientropy.Replica) error // NATS only
	close          func()
}

// openTransport connects the transport that f chooses for a store of
// keyExpr.
func openTransport(f *serveFlags, peers map[string]string, sec security, keyExpr string, logger *slog.Logger) (*transport, error) {
	if f.natsURL == "" {
		client, err := httptransport.NewClientWithOptions(f.id, peers,
			&httptransport.ClientOptions{TLS: sec.clientTLS, Secret: sec.secret, Logger: logger})
		if err != nil {
			return nil, err
		}
		return &transport{Transport: client, close: func() { _ = client.Close() }}, nil
	}
	opts := []nats.Option{nats.Name("strata serve " + f.id), nats.MaxReconnects(-1)}
	if f.natsCreds != "" {
		opts = append(opts, nats.UserCredentials(f.natsCreds))
	}
	if sec.clientTLS != nil && f.tlsCA != "" {
		opts = append(opts, nats.Secure(sec.clientTLS))
	}
	nc, err := nats.Connect(f.natsURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("-nats: %w (is a NATS server running there?)", err)
	}
	t, err := natstransport.New(nc, f.id, &natstransport.Options{Space: natstransport.SpaceFor(keyExpr), Logger: logger})
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &transport{
		Transport:      t,
		maxMessageSize: t.MaxMessageSize(),
		serve:          func(r *antientropy.Replica) error { return t.Serve(r) },
		close:          func() { _ = t.Close(); nc.Close() },
	}, nil
}

// checkReplicationFlags checks the combinations of replication flags.
func checkReplicationFlags(f *serveFlags, peers map[string]string) error {
	switch {
	case len(peers) > 0 && f.id == "":
		return errors.New("-peers needs -id, the name the peers know this replica by")
	case f.natsURL != "" && f.id == "":
		return errors.New("-nats needs -id, the name the peers know this replica by")
	case f.natsURL != "" && len(peers) > 0:
		return errors.New("-nats and -peers: choose one transport")
	case f.natsCreds != "" && f.natsURL == "":
		return errors.New("-nats-creds needs -nats")
	case (f.tlsCert == "") != (f.tlsKey == ""):
		return errors.New("-tls-cert and -tls-key go together")
	case f.tlsCA != "" && f.tlsCert == "":
		return errors.New("-tls-ca needs -tls-cert and -tls-key (mutual TLS)")
	case f.id != "" && len(peers) == 0 && f.natsURL == "":
		return errors.New("-id without -peers or -nats: name the peers to replicate with")
	}
	return nil
}
