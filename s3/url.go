// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/stratakv/strata/backend"
)

// Scheme is the URL scheme of this backend, for strata.OpenURL and
// backend.OpenURL; importing the package registers it:
//
//	s3://bucket                                  the whole bucket, on AWS S3
//	s3://bucket/tenants/a?create=true            under a prefix (Options.Prefix)
//	s3://bucket/p?endpoint=localhost:9000&secure=false   a MinIO server
//
// The host is the bucket, the path (without its leading '/') the prefix.
// Parameters:
//
//	endpoint  the server, host:port or http(s)://host:port. Default: the
//	          environment's AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL,
//	          else s3.amazonaws.com.
//	secure    boolean: https (default) or plain http. An endpoint given
//	          with a scheme decides it.
//	region    the bucket's region. Default: AWS_REGION, else
//	          AWS_DEFAULT_REGION, else discovered by the client.
//	ca        a PEM file of root certificates to trust for https besides
//	          the system's (ClientConfig.RootCAFile). Default: the
//	          environment's AWS_CA_BUNDLE, for an https endpoint.
//	create    boolean: Options.CreateBucket.
//	readonly  boolean: Options.ReadOnly.
//
// Credentials never go in the URL (user information is refused): they
// come from the standard chain that NewClient documents (the environment,
// ~/.aws/credentials, the MinIO client's config, IAM). Errors and logs
// never show a secret.
const Scheme = "s3"

func init() { backend.Register(Scheme, openURL) }

func openURL(ctx context.Context, u *url.URL) (backend.Backend, error) {
	cfg, bucket, opts, err := urlConfig(u)
	if err != nil {
		return nil, err
	}
	client, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return Open(ctx, client, bucket, &opts)
}

// Environment variables that an s3 URL falls back on.
const (
	envEndpointS3    = "AWS_ENDPOINT_URL_S3"
	envEndpoint      = "AWS_ENDPOINT_URL"
	envRegion        = "AWS_REGION"
	envDefaultRegion = "AWS_DEFAULT_REGION"
	envCABundle      = "AWS_CA_BUNDLE"
	defaultEndpoint  = "s3.amazonaws.com"
)

// urlConfig reads an s3 URL: the client's configuration, the bucket and
// the backend's options.
func urlConfig(u *url.URL) (ClientConfig, string, Options, error) {
	what := backend.RedactURL(u)
	fail := func(format string, args ...any) (ClientConfig, string, Options, error) {
		return ClientConfig{}, "", Options{}, fmt.Errorf("s3: url %q: "+format, append([]any{what}, args...)...)
	}
	switch {
	case u.User != nil:
		return fail("credentials are not accepted in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use ~/.aws/credentials")
	case u.Opaque != "":
		return fail("use s3://bucket/prefix")
	case u.Host == "":
		return fail("no bucket: use s3://bucket/prefix")
	case u.Port() != "":
		return fail("the host is the bucket, it has no port: give the server as ?endpoint=host:port")
	}
	p := backend.NewURLParams("s3", u)
	endpoint := p.String("endpoint", "")
	endpointFrom := "parameter endpoint"
	region := p.String("region", "")
	ca := p.String("ca", "")
	caFromEnv := ca == ""
	_, secureGiven := u.Query()["secure"]
	secure := p.Bool("secure", true)
	opts := Options{
		CreateBucket: p.Bool("create", false),
		ReadOnly:     p.Bool("readonly", false),
		Prefix:       strings.TrimPrefix(u.Path, "/"),
	}
	if err := p.Err(); err != nil {
		return ClientConfig{}, "", Options{}, err
	}
	if endpoint == "" {
		for _, env := range []string{envEndpointS3, envEndpoint} {
			if v := os.Getenv(env); v != "" {
				endpoint, endpointFrom = v, env
				break
			}
		}
	}
	if region == "" {
		region = os.Getenv(envRegion)
	}
	if region == "" {
		region = os.Getenv(envDefaultRegion)
	}
	switch {
	case endpoint == "":
		endpoint = defaultEndpoint
		fallthrough
	case !strings.Contains(endpoint, "://"):
		scheme := "https://"
		if !secure {
			scheme = "http://"
		}
		endpoint = scheme + endpoint
	case secureGiven && secure != strings.HasPrefix(strings.ToLower(endpoint), "https://"):
		return fail("parameter secure contradicts the scheme of the endpoint (%s)", endpointFrom)
	}
	if caFromEnv && strings.HasPrefix(strings.ToLower(endpoint), "https://") {
		// AWS_CA_BUNDLE is for https endpoints; a plain http one (a local
		// MinIO) ignores it, as the AWS tools do.
		ca = os.Getenv(envCABundle)
	}
	return ClientConfig{Endpoint: endpoint, Region: region, RootCAFile: ca}, u.Host, opts, nil
}
