// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/stratakv/strata/backend"
)

// Scheme is the URL scheme of this backend, for strata.OpenURL and
// backend.OpenURL; importing the package registers it:
//
//	rocksdb:///var/lib/strata/db?create=true   an absolute directory
//	rocksdb:data/db?readonly=true              a directory relative to the working one
//
// Parameters, all booleans (true or false; a bare name is true), all
// false by default: create (Options.CreateIfMissing), readonly
// (Options.ReadOnly), sync (Options.Sync). The other Options take their
// defaults.
const Scheme = "rocksdb"

func init() { backend.Register(Scheme, openURL) }

func openURL(_ context.Context, u *url.URL) (backend.Backend, error) {
	dir, err := urlDir(u)
	if err != nil {
		return nil, err
	}
	p := backend.NewURLParams("rocksdb", u)
	opts := &Options{
		CreateIfMissing: p.Bool("create", false),
		ReadOnly:        p.Bool("readonly", false),
		Sync:            p.Bool("sync", false),
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return Open(dir, opts)
}

// urlDir is the directory a rocksdb URL names.
func urlDir(u *url.URL) (string, error) {
	what := backend.RedactURL(u)
	switch {
	case u.User != nil:
		return "", fmt.Errorf("rocksdb: url %q: user information is not allowed", what)
	case u.Host != "":
		return "", fmt.Errorf("rocksdb: url %q: a host is not allowed: use rocksdb:///abs/path or rocksdb:rel/path", what)
	case u.Opaque != "":
		dir, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return "", fmt.Errorf("rocksdb: url %q: the path is not valid", what)
		}
		return filepath.FromSlash(dir), nil
	case u.Path == "" || u.Path == "/":
		return "", fmt.Errorf("rocksdb: url %q: no directory: use rocksdb:///abs/path or rocksdb:rel/path", what)
	}
	return filepath.FromSlash(u.Path), nil
}
