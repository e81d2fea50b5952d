// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"crypto/tls"

	"github.com/stratakv/strata/internal/testenv"
)

// serverTLS requires client certificates that ca verifies (or verifies
// them if given, with optional).
func serverTLS(ca *testenv.CA, cert tls.Certificate, optional bool) *tls.Config {
	auth := tls.RequireAndVerifyClientCert
	if optional {
		auth = tls.VerifyClientCertIfGiven
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: ca.Pool, ClientAuth: auth, MinVersion: tls.VersionTLS12}
}

// clientTLS trusts servers that ca signed and presents certs.
func clientTLS(ca *testenv.CA, certs ...tls.Certificate) *tls.Config {
	return &tls.Config{RootCAs: ca.Pool, Certificates: certs, MinVersion: tls.VersionTLS12}
}
