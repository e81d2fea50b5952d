// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/keyexpr"
)

// ScanOptions tune Store.Scan. A nil *ScanOptions means the zero value,
// which makes Scan behave as Get.
type ScanOptions struct {
	// MetadataOnly yields samples without values; the backend does not read
	// them (a metadata-only scan of a million keys reads no value).
	MetadataOnly bool
	// Tombstones also yields deleted keys, as KindDelete samples with the
	// timestamp of the delete.
	Tombstones bool
	// Start, if not empty, skips the full keys that sort before it, to
	// resume a scan page by page.
	Start string
}

// Get yields the latest live sample of every key that selector matches,
// in key order, with full keys. selector is a concrete key (one backend
// lookup) or a wildcard expression (one scan of the backend keys under its
// literal prefix, filtered by matching). A selector that does not
// intersect the store's key expression yields nothing.
//
// Each yielded Sample and its Value belong to the caller. A backend may
// copy the small values of a scan into shared chunks (the RocksDB backend
// does, 4 KiB each): a value kept keeps its chunk alive, so a caller that
// keeps few of many small values should copy those (bytes.Clone). Breaking
// out of the loop early releases everything the scan held. An error ends the loop:
// it is yielded once, with a zero Sample.
func (s *Store) Get(ctx context.Context, selector string) iter.Seq2[Sample, error] {
	return s.Scan(ctx, selector, nil)
}

// Scan is Get with options: metadata only, tombstones included, resumable.
// The replication layer rebuilds its log with it.
func (s *Store) Scan(ctx context.Context, selector string, opts *ScanOptions) iter.Seq2[Sample, error] {
	var o ScanOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(Sample, error) bool) {
		if !s.enter() {
			yield(Sample{}, errClosed("get", selector))
			return
		}
		defer s.leave()
		if len(selector) > MaxKeyLen {
			yield(Sample{}, errKeyTooLong("get", selector))
			return
		}
		if !isWild(selector) {
			// A concrete key: no expression to build.
			if err := keyexpr.ValidateKey(selector); err != nil {
				yield(Sample{}, fmt.Errorf("strata: get %q: %w: %w", selector, ErrInvalidKey, err))
				return
			}
			s.stats.gets.Add(1)
			s.getOne(ctx, selector, &o, yield)
			return
		}
		sel, err := keyexpr.Canonize(selector)
		if err != nil {
			yield(Sample{}, fmt.Errorf("strata: get %q: %w: %w", selector, ErrInvalidKey, err))
			return
		}
		if !sel.Intersects(s.cfg.expr) {
			return
		}
		s.stats.gets.Add(1)
		if !sel.IsWild() { // "a/$*" canonizes to "a/*"; nothing is concrete here
			s.getOne(ctx, sel.String(), &o, yield)
			return
		}
		prefix, ok := s.scanPrefix(sel)
		if !ok {
			return
		}
		bopts := &backend.ScanOptions{KeysOnly: o.MetadataOnly, Match: s.matcher(sel, prefix)}
		if o.Start != "" {
			start, ok := s.startKey(o.Start)
			if !ok {
				return
			}
			bopts.Start = start
		}
		// The value bytes yielded are counted once, when the loop ends.
		var read uint64
		defer func() { s.stats.bytesRead.Add(read) }()
		var smp Sample
		for it, err := range s.b.Scan(ctx, prefix, bopts) {
			if err != nil {
				yield(Sample{}, wrapErr("get", selector, err))
				return
			}
			if !s.sample(&smp, s.fullKey(it.Key), &it.Entry, &o) {
				continue
			}
			read += uint64(len(smp.Value))
			if !yield(smp, nil) {
				return
			}
		}
	}
}

func (s *Store) getOne(ctx context.Context, key string, o *ScanOptions, yield func(Sample, error) bool) {
	if !s.inScope(key) || (o.Start != "" && key < o.Start) {
		return
	}
	bkey := s.backendKey(key)
	var (
		e   backend.Entry
		err error
	)
	if o.MetadataOnly {
		e, err = s.b.Stat(ctx, bkey)
	} else {
		e, err = s.b.Get(ctx, bkey)
	}
	if errors.Is(err, backend.ErrNotFound) {
		return
	}
	if err != nil {
		yield(Sample{}, wrapErr("get", key, err))
		return
	}
	var smp Sample
	if s.sample(&smp, key, &e, o) {
		s.stats.bytesRead.Add(uint64(len(smp.Value)))
		yield(smp, nil)
	}
}

// sample sets *smp to what a reader sees of a backend entry, a live value
// or a tombstone (only with o.Tombstones), or reports false for nothing.
// An entry that a remembered wildcard delete covers reads as that
// delete's tombstone. The caller counts the value bytes it yields
// (Stats.BytesRead). The entry and the sample are passed by pointer: on
// a read path they were copied at every call.
func (s *Store) sample(smp *Sample, key string, e *backend.Entry, o *ScanOptions) bool {
	ts, deleted := e.Timestamp, e.Deleted
	if s.wildcards.idx.count.Load() != 0 {
		if wts, ok := s.wildcards.idx.covering(key, ts); ok {
			ts, deleted = wts, true
		}
	}
	switch {
	case !deleted:
		*smp = Sample{Key: key, Value: e.Value, Encoding: e.Encoding, Timestamp: ts, Kind: KindPut}
	case o.Tombstones:
		*smp = Sample{Key: key, Timestamp: ts, Kind: KindDelete}
	default:
		return false
	}
	return true
}

// scanPrefix returns the backend byte prefix under which every key that
// expr matches is stored, or false when no key in scope can match.
func (s *Store) scanPrefix(expr keyexpr.KeyExpr) (string, bool) {
	full := literalPrefix(expr)
	strip := s.cfg.strip
	switch {
	case strip == "":
		return full, true
	case len(full) <= len(strip):
		return "", strings.HasPrefix(strip, full)
	case strings.HasPrefix(full, strip) && full[len(strip)] == '/':
		return full[len(strip)+1:], true
	}
	return "", false
}

// startKey maps a full Start key of ScanOptions to a backend key.
func (s *Store) startKey(start string) (string, bool) {
	strip := s.cfg.strip
	switch {
	case strip == "":
		return start, true
	case start <= strip:
		return "", true
	case strings.HasPrefix(start, strip+"/"):
		if len(start) == len(strip)+1 {
			// strip+"/" sorts after strip itself, the backend key "".
			return "\x00", true
		}
		return start[len(strip)+1:], true
	case strings.HasPrefix(start, strip):
		// Between strip itself (backend key "") and strip+"/…".
		if start[len(strip)] < '/' {
			return "\x00", true
		}
	}
	return "", false
}

// literalPrefix is the byte prefix that every key expr matches starts with:
// the chunks before the first wildcard, and the literal start of that
// wildcard chunk ("a/b/**" → "a/b", "a/*/c" → "a/", "a/x$*" → "a/x").
func literalPrefix(expr keyexpr.KeyExpr) string {
	str := expr.String()
	i := strings.IndexAny(str, "*$")
	if i < 0 {
		return str
	}
	if strings.HasPrefix(str[i:], "**") {
		return strings.TrimSuffix(str[:i], "/")
	}
	return str[:i]
}

// matcher returns a test of the backend keys under the byte prefix
// scanned against sel. When sel starts with the literal strip prefix, the
// rest of sel is matched against the backend key directly, without
// building the full key.
func (s *Store) matcher(sel keyexpr.KeyExpr, scanned string) func(bkey string) bool {
	if m := s.subtreeMatcher(sel); m != nil {
		return m
	}
	strip := s.cfg.strip
	if strip == "" {
		return exprMatcher(sel, scanned)
	}
	if rest, ok := keyexpr.StripPrefix(sel.String(), strip); ok && rest != "" {
		if relative, err := keyexpr.Parse(rest); err == nil {
			root := sel.Matches(strip)
			match := exprMatcher(relative, scanned)
			return func(bkey string) bool {
				if bkey == "" {
					return root
				}
				return match(bkey)
			}
		}
	}
	return func(bkey string) bool { return sel.Matches(s.fullKey(bkey)) }
}

// exprMatcher returns a test of the keys under the byte prefix scanned
// against expr that skips expr's literal leading chunks (literalSkipper).
func exprMatcher(expr keyexpr.KeyExpr, scanned string) func(key string) bool {
	m, ok := newLiteralSkipper(expr)
	switch {
	case !ok:
		return expr.Matches
	case m.under(scanned):
		return m.matchesUnder
	}
	return m.matches
}

// subtreeMatcher returns, for the most common selector, "L/**" with L
// literal, a test that needs no key-expression matching: a key matches
// when it is L or under L, with no verbatim ('@') chunk below L (which
// "**" never matches). It returns nil for any other selector.
func (s *Store) subtreeMatcher(sel keyexpr.KeyExpr) func(bkey string) bool {
	lit, all, ok := subtreeOf(sel)
	if !ok || all {
		return nil
	}
	strip := s.cfg.strip
	var base string // lit as a backend key; "" with root: every key is under it
	root := false
	switch rest, under := keyexpr.StripPrefix(lit, strip); {
	case strip == "":
		base = lit
	case !under:
		return nil
	case rest == "":
		root = true
	default:
		base = rest
	}
	return func(bkey string) bool { return inSubtree(bkey, base, root) }
}

// inSubtree reports whether a valid key matches "base/**" (with root,
// "**"): it is base or under base, with no verbatim ('@') chunk below base
// (which "**" never matches).
func inSubtree(key, base string, root bool) bool {
	if root {
		return !hasVerbatimChunk(key)
	}
	if key == base {
		return true
	}
	return len(key) > len(base) && key[len(base)] == '/' && key[:len(base)] == base &&
		!hasVerbatimChunk(key[len(base)+1:])
}

// subtreeOf returns, for an expression "L/**" (or "**") with L literal, L
// and whether it is "**": keys match it as inSubtree says. ok is false for
// any other expression.
func subtreeOf(expr keyexpr.KeyExpr) (base string, root, ok bool) {
	str := expr.String()
	if str == "**" {
		return "", true, true
	}
	lit, ok := strings.CutSuffix(str, "/**")
	if !ok || lit == "" || lit != expr.NonWildPrefix() {
		return "", false, false
	}
	return lit, false, true
}

// hasVerbatimChunk reports whether a key holds a chunk that starts with
// '@'.
func hasVerbatimChunk(key string) bool {
	return strings.HasPrefix(key, "@") || strings.Contains(key, "/@")
}
