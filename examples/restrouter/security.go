// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"

	"github.com/stratakv/strata/antientropy/httptransport"
)

// security is what the TLS and secret flags load.
type security struct {
	serverTLS, clientTLS *tls.Config // nil: plain HTTP
	secret               []byte      // nil: messages are not signed
}

// loadSecurity reads the files that cfg names.
func loadSecurity(cfg config) (security, error) {
	var sec security
	if cfg.secretFile != "" {
		b, err := os.ReadFile(cfg.secretFile)
		if err != nil {
			return sec, fmt.Errorf("-secret-file: %w", err)
		}
		// A trailing newline is not part of the secret.
		if sec.secret = bytes.TrimSpace(b); len(sec.secret) < httptransport.MinSecretSize {
			return sec, fmt.Errorf("-secret-file: %d bytes, want at least %d", len(sec.secret), httptransport.MinSecretSize)
		}
	}
	if cfg.tlsCert == "" {
		return sec, nil
	}
	var err error
	if sec.serverTLS, err = httptransport.ServerTLSConfig(cfg.tlsCert, cfg.tlsKey, cfg.tlsCA); err != nil {
		return sec, err
	}
	if cfg.tlsCA != "" {
		// Clients of the key/value API need no certificate; the
		// replication handler requires one (HandlerOptions.CertNames).
		sec.serverTLS.ClientAuth = tls.VerifyClientCertIfGiven
		sec.clientTLS, err = httptransport.ClientTLSConfig(cfg.tlsCert, cfg.tlsKey, cfg.tlsCA)
	} else {
		sec.clientTLS, err = httptransport.ClientTLSConfig("", "", "")
	}
	return sec, err
}
