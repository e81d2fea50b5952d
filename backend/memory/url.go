// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package memory

import (
	"context"
	"fmt"
	"net/url"

	"github.com/stratakv/strata/backend"
)

// Scheme is the URL scheme of the memory backend: "memory:" (or
// "memory://") opens a new, empty backend, as New does. It takes no
// parameters. strata.OpenURL always knows it.
const Scheme = "memory"

func init() { backend.Register(Scheme, openURL) }

func openURL(_ context.Context, u *url.URL) (backend.Backend, error) {
	if u.Opaque != "" || u.Host != "" || (u.Path != "" && u.Path != "/") || u.User != nil {
		return nil, fmt.Errorf("memory: url %q: takes no name or path: use memory:", backend.RedactURL(u))
	}
	p := backend.NewURLParams("memory", u)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return New(), nil
}
