// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// Options tune Open. A nil *Options means the zero value, with the defaults
// below.
type Options struct {
	// CreateBucket creates the bucket if it does not exist, and reuses it
	// if it exists and belongs to the client's account (like Zenoh's
	// reuse_bucket). Without it the bucket must exist. Default false.
	CreateBucket bool
	// ReadOnly refuses every write with an error wrapping
	// backend.ErrReadOnly. It cannot be combined with CreateBucket or
	// DestroyOnClose. Default false.
	ReadOnly bool
	// DestroyOnClose removes, at Close, every object under Prefix (entries
	// and store metadata), and then the bucket itself if Open created it
	// and it is empty. Zenoh's on_closure: destroy_bucket; the default,
	// false, is do_nothing.
	DestroyOnClose bool
	// Prefix puts every object under this prefix of object names, so that
	// several stores can share one bucket. A '/' is appended when missing.
	// It must be valid UTF-8, not start with '/', and hold no empty, "."
	// or ".." segment. Default "": the whole bucket. Backends that share a
	// bucket need prefixes neither of which starts the other ("" starts
	// every prefix): the objects under a nested prefix look like keys of
	// the outer one.
	Prefix string
	// Concurrency bounds the requests that one call keeps in flight: the
	// values a Scan fetches ahead, the HEADs of a metadata-only Scan on
	// servers that cannot list metadata, the records that ScanMeta GETs,
	// the objects of a WriteBatch.
	// Default 16.
	Concurrency int
	// SingleWriter declares that no other process writes under Prefix
	// while this backend is open. Object bodies are then exactly the
	// values (tombstones are empty), which other S3 tools may prefer.
	// Default false: every object ends with a random 16-byte nonce
	// (recorded in the metadata, dropped when read), so that its ETag,
	// which S3 computes from the bytes alone, is unique, and a
	// conditional write notices every write made since the version it was
	// conditioned on, even one that stored the same bytes. Without the
	// nonce, a process that rewrites the bytes already stored hides its
	// write from the conditional writes of another process, which may then
	// replace a newer sample with an older one. See the package
	// documentation, Caveats.
	SingleWriter bool
	// InlineValues also stores every value of at most this many bytes
	// (at most MaxInlineValues) in its object's metadata, besides the
	// body, so that a Scan with values on a server that lists metadata
	// (MinIO) reads such values from the listing, 1,000 keys per request,
	// instead of with a GET per key: a wildcard get of many small values
	// gets several times faster. The costs: these values are stored twice
	// (about 2.4 times their size), a PUT carries them twice, and
	// metadata-only scans transfer them too (still without a request per
	// key). Other servers ignore the copy. Default 0 means
	// DefaultInlineValues; negative turns it off.
	InlineValues int
	// CacheSize bounds the entries of the version cache that answers
	// Conditional.StatVersion. Default 65536; negative disables the cache
	// (every StatVersion is a HEAD).
	CacheSize int
	// Logger receives events a person should see: objects skipped because
	// strata did not write them, what DestroyOnClose removed. Default
	// slog.Default().
	Logger *slog.Logger
}

// Defaults.
const (
	DefaultConcurrency = 16
	DefaultCacheSize   = 1 << 16
	// DefaultInlineValues is the default of Options.InlineValues.
	DefaultInlineValues = MaxInlineValues
	// MaxInlineValues bounds Options.InlineValues: in base64, with the
	// other metadata, it fits S3's 2 KB of user metadata.
	MaxInlineValues = 1024
	nonceSize       = 16
	maxNonce        = 1 << 10
	maxConcurrency  = 1 << 10
)

// withDefaults returns a copy of o (nil: the zero Options) with defaults
// filled in and Prefix normalized, or an error for contradictory or
// invalid settings.
func (o *Options) withDefaults() (Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.InlineValues == 0 {
		c.InlineValues = DefaultInlineValues
	}
	if c.CacheSize == 0 {
		c.CacheSize = DefaultCacheSize
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	switch {
	case c.Concurrency < 0 || c.Concurrency > maxConcurrency:
		return c, fmt.Errorf("s3: Options.Concurrency %d is not in [1, %d]", c.Concurrency, maxConcurrency)
	case c.InlineValues > MaxInlineValues:
		return c, fmt.Errorf("s3: Options.InlineValues %d exceeds %d", c.InlineValues, MaxInlineValues)
	case c.ReadOnly && c.CreateBucket:
		return c, errors.New("s3: Options.ReadOnly and Options.CreateBucket exclude each other")
	case c.ReadOnly && c.DestroyOnClose:
		return c, errors.New("s3: Options.ReadOnly and Options.DestroyOnClose exclude each other")
	}
	if c.Prefix != "" && !strings.HasSuffix(c.Prefix, "/") {
		c.Prefix += "/"
	}
	if err := checkPrefix(c.Prefix); err != nil {
		return c, err
	}
	return c, nil
}

// checkPrefix refuses a prefix that S3 or MinIO would not take as the
// start of object names, or that leaves no room for keys.
func checkPrefix(p string) error {
	if p == "" {
		return nil
	}
	bad := func(why string) error { return fmt.Errorf("s3: Options.Prefix %q: %s", p, why) }
	switch {
	case !utf8.ValidString(p):
		return bad("not valid UTF-8")
	case len(p) > maxObjectName/2:
		return bad(fmt.Sprintf("longer than %d bytes", maxObjectName/2))
	case p[0] == '/':
		return bad("starts with '/'")
	}
	for _, seg := range strings.Split(strings.TrimSuffix(p, "/"), "/") {
		for _, part := range strings.Split(seg, `\`) {
			switch strings.TrimSpace(part) {
			case ".", "..":
				return bad(`holds a "." or ".." segment`)
			}
		}
		if seg == "" {
			return bad("holds an empty segment")
		}
		if strings.ContainsRune(seg, 0) {
			return bad("holds a NUL byte")
		}
	}
	return nil
}
