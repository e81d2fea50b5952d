// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

// writePrivateCA writes a new root CA and a server certificate it signed,
// for 127.0.0.1 and localhost, into certsDir as MinIO expects them
// (public.crt, private.key, CAs/ca.crt). It returns the CA's PEM file.
func writePrivateCA(t *testing.T, certsDir string) string {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		return k
	}
	caKey, srvKey := newKey(), newKey()
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "strata test root CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(srvKey)
	require.NoError(t, err)

	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	write := func(name string, data []byte) {
		require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
		require.NoError(t, os.WriteFile(name, data, 0o600))
	}
	write(filepath.Join(certsDir, "public.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}))
	write(filepath.Join(certsDir, "private.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	write(filepath.Join(certsDir, "CAs", "ca.crt"), caPEM)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	write(caFile, caPEM)
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
