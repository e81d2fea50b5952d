// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"crypto/x509"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

// writePrivateCA writes a new root CA and a server certificate it signed,
// for 127.0.0.1 and localhost, into certsDir as MinIO expects them
// (public.crt, private.key, CAs/ca.crt). It returns the CA's PEM file.
func writePrivateCA(t *testing.T, certsDir string) string {
	t.Helper()
	ca := testenv.NewCA(t, "strata test root CA")
	testenv.WriteKeyPair(t, filepath.Join(certsDir, "public.crt"), filepath.Join(certsDir, "private.key"), ca.Issue(t, "127.0.0.1"))
	ca.WriteCert(t, filepath.Join(certsDir, "CAs", "ca.crt"))
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	ca.WriteCert(t, caFile)
	return caFile
}

// TestTLS: a MinIO with a certificate of a private CA is reached through
// ClientConfig.RootCAFile; a client without the CA is refused.
func TestTLS(t *testing.T) {
	certs := t.TempDir()
	caFile := writePrivateCA(t, certs)
	m := testenv.StartMinIO(t, &testenv.MinIOOptions{CertsDir: certs})
	require.True(t, m.TLS)

	client, err := s3.NewClient(s3.ClientConfig{
		Endpoint: "https://" + m.Endpoint, AccessKey: m.AccessKey, SecretKey: m.SecretKey, RootCAFile: caFile,
	})
	require.NoError(t, err)
	b := openBackend(t, client, "tls", &s3.Options{CreateBucket: true, DestroyOnClose: true})
	require.NoError(t, b.Put(bg, "k", val("over tls", 1)))
	got, err := b.Get(bg, "k")
	require.NoError(t, err)
	require.Equal(t, "over tls", string(got.Value))

	plain, err := s3.NewClient(s3.ClientConfig{
		Endpoint: "https://" + m.Endpoint, AccessKey: m.AccessKey, SecretKey: m.SecretKey, MaxRetries: 1,
	})
	require.NoError(t, err)
	_, err = s3.Open(bg, plain, "tls", nil)
	require.Error(t, err)
	var unknown x509.UnknownAuthorityError
	require.True(t, errors.As(err, &unknown), "want an unknown-authority error, got %v", err)
	require.NotContains(t, err.Error(), m.SecretKey)
}
