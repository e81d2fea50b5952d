// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	// The backends that store URLs may name (rocksdb: see rocksdb.go).
	"github.com/stratakv/strata/s3"
)

// storeFlags are the flags of every command that opens a store.
type storeFlags struct {
	keyExpr string
	strip   string
}

func (sf *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&sf.keyExpr, "keyexpr", "", "key expression of the store, needed only to create one (default: the one it recorded)")
	fs.StringVar(&sf.strip, "strip", "", "literal prefix of -keyexpr that a new store removes from keys before the backend (default: the recorded one)")
}

// openMode says what a command will do with a store.
type openMode int

const (
	readOnly  openMode = iota // a store that must exist, opened read-only
	readWrite                 // a store that must exist, or that -keyexpr creates
)

// openOptions are what openStore needs besides the URL.
type openOptions struct {
	mode   openMode
	flags  storeFlags
	logger *slog.Logger
	// defaultKeyExpr creates a store that does not exist yet when
	// -keyexpr is not given (cp: the source's); empty: none.
	defaultKeyExpr, defaultStrip string
	// serve: background garbage collection and wildcard refresh, as a
	// long-running process wants them; otherwise neither.
	serve             bool
	tombstoneLifespan time.Duration
	maxValueSize      int
}

// openStore opens the store that rawURL names, with the key expression
// it recorded, or -keyexpr for a new one. Errors say what to do.
func openStore(ctx context.Context, rawURL string, o openOptions) (*strata.Store, error) {
	what := redact(rawURL)
	b, err := backend.OpenURL(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w%s", what, err, openHint(rawURL, err, o.mode))
	}
	opts := &strata.Options{
		KeyExpr: o.flags.keyExpr, StripPrefix: o.flags.strip,
		ReadOnly:          o.mode == readOnly,
		Logger:            o.logger,
		TombstoneLifespan: o.tombstoneLifespan,
		MaxValueSize:      o.maxValueSize,
	}
	if !o.serve {
		opts.GCInterval = -1
		opts.WildcardRefresh = -1
	}
	cfg, err := strata.ReadStoreConfig(ctx, b)
	switch {
	case errors.Is(err, backend.ErrNotFound):
		if o.mode == readOnly {
			_ = b.Close(ctx)
			return nil, fmt.Errorf("open %s: no store there yet (create one with `strata put -keyexpr EXPR URL KEY VALUE`, or check the URL)", what)
		}
		if opts.KeyExpr == "" {
			opts.KeyExpr, opts.StripPrefix = o.defaultKeyExpr, o.defaultStrip
		}
		if opts.KeyExpr == "" {
			_ = b.Close(ctx)
			return nil, fmt.Errorf("open %s: no store there yet: give -keyexpr (e.g. -keyexpr 'demo/**') to create one", what)
		}
	case err != nil:
		_ = b.Close(ctx)
		return nil, fmt.Errorf("open %s: %w", what, err)
	default:
		if opts.KeyExpr == "" {
			opts.KeyExpr = cfg.KeyExpr
		}
		if opts.StripPrefix == "" {
			opts.StripPrefix = cfg.StripPrefix
		}
	}
	s, err := strata.Open(ctx, b, opts)
	if err != nil {
		_ = b.Close(ctx)
		hint := ""
		if errors.Is(err, strata.ErrIncompatible) && cfg.KeyExpr != "" {
			hint = fmt.Sprintf(" (the store was created with -keyexpr %q -strip %q: omit -keyexpr and -strip to use them)", cfg.KeyExpr, cfg.StripPrefix)
		}
		return nil, fmt.Errorf("open %s: %w%s", what, err, hint)
	}
	return s, nil
}

// openHint says what to do about a backend that did not open.
func openHint(rawURL string, err error, mode openMode) string {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return " (add " + sep + "create=true to create it)"
	case isLocked(err) && mode == readOnly:
		return " (another process writes to it: add " + sep + "readonly=true to read it meanwhile)"
	case isLocked(err):
		return " (another process writes to it, and RocksDB has one writer: stop that process, or write through it if it is a strata serve)"
	case strings.HasPrefix(rawURL, "rocksdb:") && !haveRocksDB:
		return " (this strata was built without cgo, so without RocksDB: build it with CGO_ENABLED=1 and librocksdb-dev)"
	case errors.Is(err, s3.ErrNoBucket):
		return " (add " + sep + "create=true to create the bucket)"
	case errors.Is(err, s3.ErrAccessDenied):
		return " (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials)"
	}
	if u, perr := url.Parse(rawURL); perr == nil && u.Scheme == "" {
		return " (a store URL is memory:, rocksdb:///path or s3://bucket/prefix?endpoint=host:port)"
	}
	return ""
}

// redact quotes a URL for an error, without its user information or query.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(an invalid URL)"
	}
	return fmt.Sprintf("%q", backend.RedactURL(u))
}

// closeStore closes s and joins its error to err.
func closeStore(s *strata.Store, err *error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if cerr := s.Close(ctx); cerr != nil && *err == nil {
		*err = cerr
	}
}

// selectorOr returns args[i] if there is one, else def.
func selectorOr(args []string, i int, def string) string {
	if len(args) > i {
		return args[i]
	}
	return def
}
