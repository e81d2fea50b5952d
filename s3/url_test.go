// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"bytes"
	"crypto/x509"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/internal/testenv"
	"github.com/stratakv/strata/s3"
)

// clearAWSEnv unsets, for the test, the variables an s3 URL and the
// credentials chain read.
func clearAWSEnv(t *testing.T) {
	for _, name := range []string{
		"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE",
		"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN",
		"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY",
	} {
		t.Setenv(name, "")
	}
	// No shared credentials or MinIO client files from the home directory.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", home+"/none")
	t.Setenv("AWS_CONFIG_FILE", home+"/none")
}

func TestURLConfig(t *testing.T) {
	clearAWSEnv(t)
	parse := func(s string) (s3.ClientConfig, string, s3.Options, error) {
		u, err := url.Parse(s)
		require.NoError(t, err)
		return s3.URLConfig(u)
	}
	cfg, bucket, opts, err := parse("s3://my-bucket")
	require.NoError(t, err)
	require.Equal(t, s3.ClientConfig{Endpoint: "https://s3.amazonaws.com"}, cfg)
	require.Equal(t, "my-bucket", bucket)
	require.Equal(t, s3.Options{}, opts)

	cfg, bucket, opts, err = parse("s3://b/tenants/a?endpoint=localhost:9000&secure=false&region=eu-west-3&create=true")
	require.NoError(t, err)
	require.Equal(t, s3.ClientConfig{Endpoint: "http://localhost:9000", Region: "eu-west-3"}, cfg)
	require.Equal(t, "b", bucket)
	require.Equal(t, s3.Options{CreateBucket: true, Prefix: "tenants/a"}, opts)

	cfg, _, opts, err = parse("s3://b/?endpoint=https://minio.example:9000&readonly&ca=/etc/ssl/private-ca.pem")
	require.NoError(t, err)
	require.Equal(t, s3.ClientConfig{Endpoint: "https://minio.example:9000", RootCAFile: "/etc/ssl/private-ca.pem"}, cfg)
	require.Equal(t, s3.Options{ReadOnly: true}, opts)

	// The environment fills what the URL leaves out, and no more.
	t.Setenv("AWS_ENDPOINT_URL", "http://from-env:9000")
	t.Setenv("AWS_DEFAULT_REGION", "us-west-1")
	t.Setenv("AWS_CA_BUNDLE", "/etc/ca.pem")
	cfg, _, _, err = parse("s3://b")
	require.NoError(t, err)
	require.Equal(t, s3.ClientConfig{Endpoint: "http://from-env:9000", Region: "us-west-1"}, cfg, "AWS_CA_BUNDLE is for https endpoints")
	cfg, _, _, err = parse("s3://b?endpoint=https://tls-env:9000")
	require.NoError(t, err)
	require.Equal(t, s3.ClientConfig{Endpoint: "https://tls-env:9000", Region: "us-west-1", RootCAFile: "/etc/ca.pem"}, cfg)
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "https://s3-only:443")
	t.Setenv("AWS_REGION", "ap-south-1")
	cfg, _, _, err = parse("s3://b")
	require.NoError(t, err)
	require.Equal(t, s3.ClientConfig{Endpoint: "https://s3-only:443", Region: "ap-south-1"}, cfg)
	cfg, _, _, err = parse("s3://b?endpoint=127.0.0.1:9000&secure=0&region=r")
	require.NoError(t, err)
	require.Equal(t, s3.ClientConfig{Endpoint: "http://127.0.0.1:9000", Region: "r"}, cfg)
	_, _, _, err = parse("s3://b?secure=false")
	require.EqualError(t, err, `s3: url "s3://b": parameter secure contradicts the scheme of the endpoint (AWS_ENDPOINT_URL_S3)`)
}

func TestOpenURLErrors(t *testing.T) {
	clearAWSEnv(t)
	const secret = "wJalrXUtnFEMI-s3cr3t"
	for u, want := range map[string]string{
		"s3://AKIA:" + secret + "@bucket/p":           `s3: url "s3://bucket/p": credentials are not accepted in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use ~/.aws/credentials`,
		"s3:bucket":                                   `s3: url "s3:bucket": use s3://bucket/prefix`,
		"s3:///p":                                     `s3: url "s3:///p": no bucket: use s3://bucket/prefix`,
		"s3://bucket:9000/p":                          `s3: url "s3://bucket:9000/p": the host is the bucket, it has no port: give the server as ?endpoint=host:port`,
		"s3://bucket?secret_key=" + secret:            `s3: url: unknown parameter secret_key (known: ca, create, endpoint, readonly, region, secure)`,
		"s3://bucket?create=sure":                     `s3: url: parameter create: "sure" is not a boolean (true or false)`,
		"s3://bucket?endpoint=a&endpoint=b":           `s3: url: parameter endpoint is given 2 times`,
		"s3://bucket?endpoint=http://h:1&secure=true": `s3: url "s3://bucket": parameter secure contradicts the scheme of the endpoint (parameter endpoint)`,
		"s3://bucket?endpoint=ftp://h:1":              `s3: client: endpoint "ftp://h:1": the scheme must be http or https`,
		"s3://Bad_Bucket?endpoint=127.0.0.1:1":        `s3: open bucket "Bad_Bucket": s3: invalid bucket name`,
		"s3://bucket?readonly&create&endpoint=h:1":    `s3: Options.ReadOnly and Options.CreateBucket exclude each other`,
	} {
		_, err := backend.OpenURL(bg, u)
		require.Error(t, err, u)
		require.True(t, strings.HasPrefix(err.Error(), want), "%s:\n got %s\nwant %s", u, err, want)
		require.NotContains(t, err.Error(), secret)
	}
}

func TestOpenURL(t *testing.T) {
	srv := testenv.S3(t)
	clearAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	client := newClient(t, nil)
	bucket := uniqueBucket("url")
	t.Cleanup(func() { removeObjects(t, client, bucket, ""); removeBucket(t, client, bucket) })
	base := "s3://" + bucket + "/tenants/a"
	quietOpts := func(o strata.Options) *strata.Options { o.Logger = quiet; o.GCInterval = -1; return &o }

	// Without create, a missing bucket is an error.
	_, err := strata.OpenURL(bg, base+"?endpoint="+srv.Endpoint+"&secure=false", quietOpts(strata.Options{KeyExpr: "fleet/**"}))
	require.ErrorIs(t, err, s3.ErrNoBucket)

	s, err := strata.OpenURL(bg, base+"?endpoint="+srv.Endpoint+"&secure=false&create=true", quietOpts(strata.Options{KeyExpr: "fleet/**", StripPrefix: "fleet"}))
	require.NoError(t, err)
	_, err = s.Put(bg, "fleet/robot/1", []byte("pose"))
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))
	names := listNames(t, client, bucket, "")
	require.NotEmpty(t, names)
	for _, name := range names {
		require.True(t, strings.HasPrefix(name, "tenants/a/"), name)
	}

	// Reopen from the environment's endpoint, with the recorded
	// configuration, read-only.
	t.Setenv("AWS_ENDPOINT_URL", "http://"+srv.Endpoint)
	t.Setenv("AWS_REGION", "us-east-1")
	s, err = strata.OpenURL(bg, base+"?readonly=true", quietOpts(strata.Options{}))
	require.NoError(t, err)
	require.Equal(t, "fleet/**", s.KeyExpr())
	smp, err := s.Lookup(bg, "fleet/robot/1")
	require.NoError(t, err)
	require.Equal(t, "pose", string(smp.Value))
	_, err = s.Put(bg, "fleet/robot/2", []byte("x"))
	require.ErrorIs(t, err, strata.ErrReadOnly)
	require.NoError(t, s.Close(bg))

	// Another prefix of the bucket holds no store yet.
	_, err = strata.OpenURL(bg, "s3://"+bucket+"/tenants/b", nil)
	require.ErrorContains(t, err, "Options.KeyExpr is required")
}

func TestOpenURLWrongCredentialsHideSecret(t *testing.T) {
	srv := testenv.S3(t)
	clearAWSEnv(t)
	const secret = "not-the-secret-8f2c1e"
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_ENDPOINT_URL", "http://"+srv.Endpoint)

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(logger)

	_, err := strata.OpenURL(bg, "s3://"+uniqueBucket("url")+"?create=true", &strata.Options{KeyExpr: "a/**", Logger: logger})
	require.Error(t, err)
	require.ErrorIs(t, err, s3.ErrAccessDenied)
	require.NotContains(t, err.Error(), secret)
	require.NotContains(t, logs.String(), secret)
}

// TestOpenURLTLS reaches a MinIO whose certificate a private CA signed,
// with the ca parameter.
func TestOpenURLTLS(t *testing.T) {
	clearAWSEnv(t)
	certs := t.TempDir()
	caFile := writePrivateCA(t, certs)
	m := testenv.StartMinIO(t, &testenv.MinIOOptions{CertsDir: certs})
	require.True(t, m.TLS)
	t.Setenv("AWS_ACCESS_KEY_ID", m.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", m.SecretKey)

	u := "s3://tls/p?create=true&endpoint=" + m.Endpoint
	s, err := strata.OpenURL(bg, u+"&ca="+url.QueryEscape(caFile), &strata.Options{KeyExpr: "a/**", Logger: quiet, GCInterval: -1})
	require.NoError(t, err)
	_, err = s.Put(bg, "a/k", []byte("over tls"))
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))

	// The same from the environment, and refused without the CA.
	t.Setenv("AWS_CA_BUNDLE", caFile)
	s, err = strata.OpenURL(bg, u, nil)
	require.NoError(t, err)
	smp, err := s.Lookup(bg, "a/k")
	require.NoError(t, err)
	require.Equal(t, "over tls", string(smp.Value))
	require.NoError(t, s.Close(bg))
	t.Setenv("AWS_CA_BUNDLE", "")
	_, err = strata.OpenURL(bg, u, nil)
	var unknown x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknown)
	require.NotContains(t, err.Error(), m.SecretKey)
}
