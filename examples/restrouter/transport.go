// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go"

	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/antientropy/natstransport"
)

// replication is the transport that the flags choose: HTTP to -peers
// (the router serves /@strata/replication/), or NATS at -nats.
type replication struct {
	transport      antientropy.Transport
	maxMessageSize int                                // 0: the default
	serve          func(r *antientropy.Replica) error // nil over HTTP
	close          func()
}

// openReplication connects the transport of cfg for a store of keyExpr.
func openReplication(cfg config, sec security, keyExpr string, logger *slog.Logger) (*replication, error) {
	if cfg.natsURL == "" {
		client, err := httptransport.NewClientWithOptions(cfg.id, cfg.peers,
			&httptransport.ClientOptions{TLS: sec.clientTLS, Secret: sec.secret, Logger: logger})
		if err != nil {
			return nil, err
		}
		return &replication{transport: client, close: func() { _ = client.Close() }}, nil
	}
	opts := []nats.Option{nats.Name("restrouter " + cfg.id), nats.MaxReconnects(-1)}
	if cfg.natsCreds != "" {
		opts = append(opts, nats.UserCredentials(cfg.natsCreds))
	}
	if sec.clientTLS != nil && cfg.tlsCA != "" {
		opts = append(opts, nats.Secure(sec.clientTLS)) // the same certificate and CA as over HTTP
	}
	nc, err := nats.Connect(cfg.natsURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("-nats: %w", err)
	}
	t, err := natstransport.New(nc, cfg.id, &natstransport.Options{Space: natstransport.SpaceFor(keyExpr), Logger: logger})
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &replication{
		transport:      t,
		maxMessageSize: t.MaxMessageSize(),
		serve:          func(r *antientropy.Replica) error { return t.Serve(r) },
		close:          func() { _ = t.Close(); nc.Close() },
	}, nil
}
