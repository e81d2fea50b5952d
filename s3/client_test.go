// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

const secret = "sEcReT-do-not-print-42"
const token = "ToKeN-do-not-print-43"

// TestClientSecretsHidden: neither errors nor printed configurations show
// the secret key or the session token.
func TestClientSecretsHidden(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, []byte("not a certificate"), 0o600))
	bad := []s3.ClientConfig{
		{Endpoint: "", AccessKey: "ak", SecretKey: secret, SessionToken: token},
		{Endpoint: "ftp://host:1", AccessKey: "ak", SecretKey: secret, SessionToken: token},
		{Endpoint: "http://ak:" + secret + "@host:1", AccessKey: "ak", SecretKey: secret},
		{Endpoint: "http://host:1/path", AccessKey: "ak", SecretKey: secret},
		{Endpoint: "http://%zz" + secret, AccessKey: "ak", SecretKey: secret},
		{Endpoint: "https://host:1", AccessKey: "ak", SecretKey: secret, RootCAFile: caFile},
		{Endpoint: "https://host:1", AccessKey: "ak", SecretKey: secret, RootCAFile: caFile + ".missing"},
		{Endpoint: "http://host:1", AccessKey: "ak", SecretKey: secret, RootCAFile: caFile},
		{Endpoint: "http://host:1", SecretKey: secret, SessionToken: token},
		{Endpoint: "http://host:1", AccessKey: "ak"},
	}
	for _, cfg := range bad {
		_, err := s3.NewClient(cfg)
		require.Error(t, err, "%v", cfg)
		require.NotContains(t, err.Error(), secret)
		require.NotContains(t, err.Error(), token)
		require.True(t, strings.HasPrefix(err.Error(), "s3: client: "), err.Error())
	}

	cfg := s3.ClientConfig{Endpoint: "http://ak:" + secret + "@host:1", AccessKey: "ak", SecretKey: secret, SessionToken: token}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", cfg)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), fmt.Sprintf("%v %+v", &cfg, &cfg), logged.String(),
	} {
		require.NotContains(t, s, secret)
		require.NotContains(t, s, token)
		require.Contains(t, s, "REDACTED")
	}
}

// TestClientWrongSecret: the server refuses a wrong secret, and the error
// wraps ErrAccessDenied without showing the secret.
func TestClientWrongSecret(t *testing.T) {
	srv := testenv.S3(t)
	client, err := s3.NewClient(s3.ClientConfig{Endpoint: "http://" + srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: secret})
	require.NoError(t, err)
	_, err = s3.Open(bg, client, uniqueBucket("denied"), nil)
	require.ErrorIs(t, err, s3.ErrAccessDenied)
	require.NotContains(t, err.Error(), secret)
	_, err = s3.Open(bg, client, uniqueBucket("denied"), &s3.Options{CreateBucket: true})
	require.ErrorIs(t, err, s3.ErrAccessDenied)
	require.NotContains(t, err.Error(), secret)
}

// TestClientCredentialChain: without static credentials, the environment
// provides them.
func TestClientCredentialChain(t *testing.T) {
	srv := testenv.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	client, err := s3.NewClient(s3.ClientConfig{Endpoint: "http://" + srv.Endpoint})
	require.NoError(t, err)
	b := openBackend(t, client, makeBucket(t, client, "chain"), nil)
	require.NoError(t, b.Put(bg, "k", val("v", 1)))

	// The MinIO variables, when the AWS ones are absent.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("MINIO_ROOT_USER", srv.AccessKey)
	t.Setenv("MINIO_ROOT_PASSWORD", srv.SecretKey)
	client, err = s3.NewClient(s3.ClientConfig{Endpoint: "http://" + srv.Endpoint})
	require.NoError(t, err)
	b = openBackend(t, client, makeBucket(t, client, "chain"), nil)
	require.NoError(t, b.Put(bg, "k", val("v", 1)))
}
