// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// OpenFunc opens a backend described by a URL whose scheme it was
// registered for. It reads the parameters it knows from u's query, and
// returns an error naming any other parameter, and any value it cannot
// use, without ever quoting a secret (a password in u.User, say).
type OpenFunc func(ctx context.Context, u *url.URL) (Backend, error)

var registry struct {
	mu    sync.RWMutex
	opens map[string]OpenFunc
}

// Register makes a backend available by URL under scheme (lower case, as
// in "s3"), for OpenURL here and strata.OpenURL, in the manner of
// database/sql.Register: a backend package calls it from an init
// function, so that importing the package is enough. It panics if scheme
// is registered twice or open is nil.
func Register(scheme string, open OpenFunc) {
	if open == nil {
		panic("backend: Register of a nil OpenFunc for scheme " + scheme)
	}
	if scheme == "" || scheme != strings.ToLower(scheme) {
		panic(fmt.Sprintf("backend: Register: scheme %q must be non-empty lower case", scheme))
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if _, dup := registry.opens[scheme]; dup {
		panic("backend: Register called twice for scheme " + scheme)
	}
	if registry.opens == nil {
		registry.opens = make(map[string]OpenFunc)
	}
	registry.opens[scheme] = open
}

// Schemes returns the registered URL schemes, sorted.
func Schemes() []string {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	var out []string
	for scheme := range registry.opens {
		out = append(out, scheme)
	}
	slices.Sort(out)
	return out
}

// OpenURL opens the backend that rawURL describes, with the OpenFunc
// registered for its scheme. An unknown scheme is an error that lists the
// registered ones: a backend registers its scheme when its package is
// imported (import _ "github.com/stratakv/strata/s3").
//
// Errors describe the URL as RedactURL does: never its user information
// or its query.
func OpenURL(ctx context.Context, rawURL string) (Backend, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url errors quote the input, which may hold a password.
		return nil, errors.New("backend: open url: not a valid URL")
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("backend: open url %q: no scheme (%s:…)", RedactURL(u), strings.Join(Schemes(), ":…, "))
	}
	registry.mu.RLock()
	open := registry.opens[u.Scheme]
	registry.mu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("backend: open url %q: unknown scheme %q (registered: %s; a backend registers its scheme when its package is imported)",
			RedactURL(u), u.Scheme, strings.Join(Schemes(), ", "))
	}
	return open(ctx, u)
}

// RedactURL describes u for an error message or a log: scheme, host and
// path only, without the user information (which may hold a password) or
// the query (which may hold anything).
func RedactURL(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Opaque: u.Opaque, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return v.String()
}

// URLParams reads the query parameters of a backend URL: each Bool or
// String call consumes one, and Err reports the first bad value, then any
// parameter that was given but never read, naming it (never its value).
// Backends use it in their OpenFunc.
type URLParams struct {
	pkg    string
	values url.Values
	read   map[string]bool
	err    error
}

// NewURLParams returns the parameters of u; pkg prefixes error messages
// ("rocksdb", "s3").
func NewURLParams(pkg string, u *url.URL) *URLParams {
	p := &URLParams{pkg: pkg, read: map[string]bool{}}
	values, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		p.err = fmt.Errorf("%s: url: the query is not valid", pkg)
	}
	p.values = values
	return p
}

// String returns parameter name, or def when it is absent. A parameter
// given twice is an error.
func (p *URLParams) String(name, def string) string {
	p.read[name] = true
	vs, ok := p.values[name]
	switch {
	case !ok:
		return def
	case len(vs) > 1:
		p.fail(fmt.Errorf("%s: url: parameter %s is given %d times", p.pkg, name, len(vs)))
		return def
	}
	return vs[0]
}

// Bool returns parameter name parsed as a boolean (true, false, 1, 0, or
// empty for true: "?create" is "?create=true"), or def when it is absent.
func (p *URLParams) Bool(name string, def bool) bool {
	_, given := p.values[name]
	v := p.String(name, "")
	if !given {
		return def
	}
	switch strings.ToLower(v) {
	case "", "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	p.fail(fmt.Errorf("%s: url: parameter %s: %q is not a boolean (true or false)", p.pkg, name, v))
	return def
}

// Err returns the first bad value, or else names the parameters that were
// given but not read (unknown to the backend), or nil.
func (p *URLParams) Err() error {
	if p.err != nil {
		return p.err
	}
	var unknown []string
	for name := range p.values {
		if !p.read[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		known := make([]string, 0, len(p.read))
		for name := range p.read {
			known = append(known, name)
		}
		slices.Sort(known)
		if len(known) == 0 {
			return fmt.Errorf("%s: url: unknown parameter %s (it takes none)", p.pkg, strings.Join(unknown, ", "))
		}
		return fmt.Errorf("%s: url: unknown parameter %s (known: %s)", p.pkg, strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return nil
}

func (p *URLParams) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}
