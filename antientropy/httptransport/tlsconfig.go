// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// ServerTLSConfig returns a TLS configuration for the server side of
// mutual TLS: it presents the certificate in certFile (PEM, with its
// chain) and keyFile, and requires from every client a certificate that
// the CA certificates in clientCAFile (PEM) verify. With clientCAFile
// empty, clients are not asked for certificates (server-only TLS).
//
// A server that serves other clients on the same port too can set
// ClientAuth to tls.VerifyClientCertIfGiven on the result and rely on
// HandlerOptions.RequireClientCert for the replication endpoint.
func ServerTLSConfig(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("httptransport: server certificate: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCAFile != "" {
		pool, err := loadPool(clientCAFile)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// ClientTLSConfig returns a TLS configuration for the client side of
// mutual TLS: it verifies servers against the CA certificates in
// rootCAFile (PEM; empty: the system's roots) and presents the
// certificate in certFile and keyFile (both empty: no client
// certificate).
func ClientTLSConfig(certFile, keyFile, rootCAFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("httptransport: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if rootCAFile != "" {
		pool, err := loadPool(rootCAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

func loadPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("httptransport: CA certificates: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("httptransport: CA certificates: no PEM certificate in %s", file)
	}
	return pool, nil
}
