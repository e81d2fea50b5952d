// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ClientConfig describes how to reach an S3 server; NewClient turns it into
// a *minio.Client. Printing it (fmt's %v, %+v, %#v, or slog) never shows
// SecretKey or SessionToken.
type ClientConfig struct {
	// Endpoint is the server's URL: http://host:port or https://host:port,
	// without a path. Required.
	Endpoint string
	// Region is the bucket region; empty lets the client discover it
	// (MinIO ignores it; AWS wants it).
	Region string
	// AccessKey, SecretKey and SessionToken are static credentials. When
	// AccessKey is empty, the standard chain is used instead, first match
	// wins: the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
	// AWS_SESSION_TOKEN; then MINIO_ROOT_USER/MINIO_ROOT_PASSWORD or
	// MINIO_ACCESS_KEY/MINIO_SECRET_KEY), the shared credentials file
	// (~/.aws/credentials, AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE), the
	// MinIO client's config (~/.mc/config.json), and the IAM role of an
	// EC2 instance or ECS task. With none of them, requests are anonymous.
	AccessKey    string
	SecretKey    string
	SessionToken string
	// RootCAFile is a PEM file of root certificates to trust for an https
	// Endpoint besides the system's (a private CA, a self-signed server).
	RootCAFile string
	// Transport, if not nil, carries the requests instead of minio-go's
	// default transport (to count or trace them, say). RootCAFile must then
	// be empty: configure the transport's TLS yourself.
	Transport http.RoundTripper
	// MaxRetries is how many times minio-go tries a request that failed in
	// a way it deems transient. 0: minio-go's default (10). 1: no retry.
	MaxRetries int
}

// NewClient returns a client for cfg. It reads RootCAFile but makes no
// request: a wrong endpoint or credentials show at the first operation
// (Open checks the bucket). Errors never contain the secret key or the
// session token.
func NewClient(cfg ClientConfig) (*minio.Client, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("s3: client: ClientConfig.Endpoint is empty")
	}
	u, err := url.Parse(cfg.Endpoint)
	if err != nil {
		// url errors quote the input, which may hold user:password.
		return nil, errors.New("s3: client: ClientConfig.Endpoint is not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("s3: client: endpoint %q: the scheme must be http or https", u.Redacted())
	case u.Host == "":
		return nil, fmt.Errorf("s3: client: endpoint %q: no host", u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("s3: client: endpoint %q: put credentials in AccessKey and SecretKey, not in the URL", u.Redacted())
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return nil, fmt.Errorf("s3: client: endpoint %q: only scheme, host and port are allowed", u.Redacted())
	}
	secure := u.Scheme == "https"

	creds, err := cfg.credentials()
	if err != nil {
		return nil, err
	}
	transport := cfg.Transport
	if transport == nil {
		if transport, err = defaultTransport(secure, cfg.RootCAFile); err != nil {
			return nil, err
		}
	} else if cfg.RootCAFile != "" {
		return nil, errors.New("s3: client: ClientConfig.RootCAFile and ClientConfig.Transport exclude each other")
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:      creds,
		Secure:     secure,
		Transport:  transport,
		Region:     cfg.Region,
		MaxRetries: cfg.MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: client: endpoint %q: %w", u.Redacted(), err)
	}
	return client, nil
}

func (cfg ClientConfig) credentials() (*credentials.Credentials, error) {
	switch {
	case cfg.AccessKey != "" && cfg.SecretKey == "":
		return nil, errors.New("s3: client: ClientConfig.AccessKey is set but SecretKey is empty")
	case cfg.AccessKey == "" && (cfg.SecretKey != "" || cfg.SessionToken != ""):
		return nil, errors.New("s3: client: ClientConfig.SecretKey or SessionToken is set but AccessKey is empty")
	case cfg.AccessKey != "":
		return credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken), nil
	}
	return credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.EnvMinio{},
		&credentials.FileAWSCredentials{},
		&credentials.FileMinioClient{},
		&credentials.IAM{},
	}), nil
}

// maxIdleConnsPerHost keeps the connections of concurrent scans and
// batches open between requests (minio-go's default keeps 16).
const maxIdleConnsPerHost = 256

// defaultTransport returns minio-go's default transport, keeping more idle
// connections, and trusting the roots of the PEM file besides the system's
// when rootCAFile is set.
func defaultTransport(secure bool, rootCAFile string) (http.RoundTripper, error) {
	if rootCAFile != "" && !secure {
		return nil, errors.New("s3: client: RootCAFile needs an https endpoint")
	}
	tr, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, fmt.Errorf("s3: client: %w", err)
	}
	tr.MaxIdleConnsPerHost = maxIdleConnsPerHost
	if rootCAFile == "" {
		return tr, nil
	}
	pem, err := os.ReadFile(rootCAFile)
	if err != nil {
		return nil, fmt.Errorf("s3: client: RootCAFile: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("s3: client: RootCAFile %q holds no PEM certificate", rootCAFile)
	}
	tr.TLSClientConfig.RootCAs = pool
	return tr, nil
}

const redacted = "REDACTED"

// String describes cfg with its secrets replaced by REDACTED.
func (cfg ClientConfig) String() string {
	return fmt.Sprintf("{Endpoint:%s Region:%s AccessKey:%s SecretKey:%s SessionToken:%s RootCAFile:%s MaxRetries:%d}",
		redactURL(cfg.Endpoint), cfg.Region, cfg.AccessKey, hide(cfg.SecretKey), hide(cfg.SessionToken), cfg.RootCAFile, cfg.MaxRetries)
}

// GoString is String, for %#v.
func (cfg ClientConfig) GoString() string { return "s3.ClientConfig" + cfg.String() }

// LogValue implements slog.LogValuer without the secrets.
func (cfg ClientConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("endpoint", redactURL(cfg.Endpoint)),
		slog.String("region", cfg.Region),
		slog.String("access_key", cfg.AccessKey),
		slog.String("secret_key", hide(cfg.SecretKey)),
		slog.String("session_token", hide(cfg.SessionToken)),
		slog.String("root_ca_file", cfg.RootCAFile),
	)
}

// redactURL hides a password that a URL may carry.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(not a URL)"
	}
	return u.Redacted()
}

func hide(secret string) string {
	if secret == "" {
		return ""
	}
	return redacted
}
