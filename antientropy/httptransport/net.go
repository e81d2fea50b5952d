// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// Deadlines of the HTTP client that NewHTTPClient returns and of the
// server that NewServer returns.
const (
	DialTimeout           = 5 * time.Second
	TLSHandshakeTimeout   = 5 * time.Second
	ResponseHeaderTimeout = 30 * time.Second
	IdleConnTimeout       = 90 * time.Second

	ServerReadHeaderTimeout = 10 * time.Second
	ServerReadTimeout       = 60 * time.Second
	ServerWriteTimeout      = 2 * time.Minute
	ServerIdleTimeout       = 2 * time.Minute
)

// NewHTTPClient returns the HTTP client that a Client uses when it is
// given none: its own connection pool (several idle connections kept per
// peer for reuse, HTTP/2 when TLS allows it), with deadlines for dialing,
// the TLS handshake and the response headers. tlsConfig, which may be
// nil, configures TLS for https peers.
func NewHTTPClient(tlsConfig *tls.Config) *http.Client {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   TLSHandshakeTimeout,
		ResponseHeaderTimeout: ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       IdleConnTimeout,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   16,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: t}
}

// NewServer returns an http.Server for h with deadlines for reading the
// headers, reading the whole request, writing the response and keeping an
// idle connection, and with tlsConfig (nil: plain HTTP; serve with
// ListenAndServeTLS("", "") or ServeTLS(ln, "", "") otherwise).
func NewServer(h http.Handler, tlsConfig *tls.Config) *http.Server {
	return &http.Server{
		Handler:           h,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: ServerReadHeaderTimeout,
		ReadTimeout:       ServerReadTimeout,
		WriteTimeout:      ServerWriteTimeout,
		IdleTimeout:       ServerIdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}
