// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/stratakv/strata/backend"
	// The memory backend is always available by URL ("memory:").
	_ "github.com/stratakv/strata/backend/memory"
)

// OpenURL opens the backend that rawURL describes and a Store over it, in
// the manner of database/sql.Open and gocloud's blob.OpenBucket: each
// backend package registers its URL scheme when it is imported (see
// backend.Register), so a program chooses its backends by importing them.
//
//	memory:                                  a new in-memory backend (always available)
//	rocksdb:///abs/path?create=true&sync=true  import _ "github.com/stratakv/strata/rocksdb"
//	s3://bucket/prefix?endpoint=host:9000&secure=false&create=true
//	                                         import _ "github.com/stratakv/strata/s3"
//
// The parameters of each scheme are documented in its package (its
// Scheme constant). Unknown schemes and parameters, and bad values, are
// errors that name them. Credentials never go in the URL (s3 reads them
// from the standard chain: the environment, ~/.aws, IAM), and errors never
// quote a URL's user information or query.
//
// opts are those of Open. opts may be nil, or leave KeyExpr empty, when
// the backend holds a store already: OpenURL then uses the KeyExpr and
// StripPrefix recorded in it (see ReadStoreConfig); a StripPrefix given
// in opts must then be the recorded one. If Open fails, the backend is
// closed.
func OpenURL(ctx context.Context, rawURL string, opts *Options) (*Store, error) {
	what := describeURL(rawURL)
	b, err := backend.OpenURL(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("strata: open %s: %w", what, err)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.KeyExpr == "" {
		cfg, err := readStoreConfig(ctx, b)
		switch {
		case errors.Is(err, backend.ErrNotFound):
			_ = b.Close(ctx)
			return nil, fmt.Errorf("strata: open %s: Options.KeyExpr is required: the backend holds no store yet: %w", what, ErrNotFound)
		case err != nil:
			_ = b.Close(ctx)
			return nil, fmt.Errorf("strata: open %s: %w", what, err)
		}
		o.KeyExpr = cfg.KeyExpr
		if o.StripPrefix == "" {
			o.StripPrefix = cfg.StripPrefix
		}
	}
	s, err := Open(ctx, b, &o)
	if err != nil {
		_ = b.Close(ctx)
		return nil, err
	}
	return s, nil
}

// describeURL names a URL in an error without its user information or
// query.
func describeURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(an invalid URL)"
	}
	return fmt.Sprintf("%q", backend.RedactURL(u))
}

// StoreConfig is what a backend records of the store it holds, at the
// store's first Open: what its keys mean.
type StoreConfig struct {
	KeyExpr     string
	StripPrefix string
}

// ReadStoreConfig reads the configuration recorded in b by the first Open
// of a store over it. A backend that holds no store yet gives an error
// wrapping backend.ErrNotFound; a record this version cannot read, one
// wrapping ErrIncompatible. It does not close b.
func ReadStoreConfig(ctx context.Context, b backend.Backend) (StoreConfig, error) {
	cfg, err := readStoreConfig(ctx, b)
	if err != nil {
		return StoreConfig{}, fmt.Errorf("strata: %w", err)
	}
	return cfg, nil
}

// readStoreConfig is ReadStoreConfig with errors not yet prefixed.
func readStoreConfig(ctx context.Context, b backend.Backend) (StoreConfig, error) {
	rec, err := b.GetMeta(ctx, metaConfig)
	if err != nil {
		return StoreConfig{}, fmt.Errorf("reading the store configuration: %w", err)
	}
	return parseConfigRecord(rec)
}

// parseConfigRecord reads what config.record writes:
//
//	strata-config v1
//	keyexpr <KeyExpr>
//	strip-prefix <StripPrefix>
func parseConfigRecord(rec []byte) (StoreConfig, error) {
	lines := strings.Split(strings.TrimSuffix(string(rec), "\n"), "\n")
	if len(lines) != 3 || lines[0] != "strata-config v1" ||
		!strings.HasPrefix(lines[1], "keyexpr ") || !strings.HasPrefix(lines[2], "strip-prefix ") {
		return StoreConfig{}, fmt.Errorf("reading the store configuration: unreadable record: %w", ErrIncompatible)
	}
	return StoreConfig{
		KeyExpr:     strings.TrimPrefix(lines[1], "keyexpr "),
		StripPrefix: strings.TrimPrefix(lines[2], "strip-prefix "),
	}, nil
}
