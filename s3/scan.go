// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"context"
	"errors"
	"iter"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/backend"
)

// Scan implements backend.Backend.
//
// It lists the object names under the prefix's encoding (object names sort
// as keys do, so the listing is in key order; see objectname.go), 1,000 per
// request, starting after Start's encoding. Values are fetched with up to
// Options.Concurrency GETs in flight, and yielded in key order. A
// metadata-only scan reads the metadata from the listing where the server
// offers it (MinIO's list-with-metadata), else with HEADs in parallel; it
// never reads a value.
//
// Objects under the prefix that strata did not write are skipped, with one
// warning per scan. Keys removed between the listing and their fetch are
// skipped. Breaking out of the loop cancels the fetches in flight and
// returns once they have ended.
func (b *Backend) Scan(ctx context.Context, prefix string, opts *backend.ScanOptions) iter.Seq2[backend.Item, error] {
	var o backend.ScanOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(backend.Item, error) bool) {
		s := &scan{b: b, prefix: prefix, o: o, yield: yield}
		s.run(ctx)
	}
}

// scan is the state of one Scan loop.
type scan struct {
	b      *Backend
	prefix string
	o      backend.ScanOptions
	yield  func(backend.Item, error) bool

	wg    sync.WaitGroup
	queue []*pending // listed, in key order, not yet yielded

	skipped      int
	firstSkipped string
	skipReason   error
}

// pending is a listed key whose entry is known (ready) or being fetched.
type pending struct {
	key   string
	ready bool
	res   fetched
	ch    chan fetched // buffered; nil when ready from the start
}

type fetched struct {
	entry backend.Entry
	err   error
	name  string
}

func (s *scan) run(ctx context.Context) {
	b := s.b
	if b.isClosed() {
		s.yield(backend.Item{}, errClosed("scan", s.prefix))
		return
	}
	if err := ctx.Err(); err != nil {
		s.yield(backend.Item{}, wrapErr("scan", s.prefix, err))
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer s.wg.Wait()
	defer cancel()
	defer s.logSkipped()

	noOwner := false
	lo := minio.ListObjectsOptions{
		Prefix:       b.opts.Prefix + encodePrefix(validUTF8Prefix(s.prefix)),
		Recursive:    true,
		WithMetadata: b.listMetadata && (s.o.KeysOnly || b.opts.InlineValues > 0),
		FetchOwner:   &noOwner,
	}
	if s.o.Start > s.prefix {
		lo.StartAfter = b.opts.Prefix + encodePrefix(validUTF8Prefix(s.o.Start))
	}
	window := b.opts.Concurrency
	for obj := range b.client.ListObjectsIter(ctx, b.bucket, lo) {
		if obj.Err != nil {
			s.yield(backend.Item{}, wrapErr("scan", s.prefix, obj.Err))
			return
		}
		if b.isClosed() {
			s.yield(backend.Item{}, errClosed("scan", s.prefix))
			return
		}
		p := s.accept(ctx, obj)
		if p == nil {
			continue
		}
		s.queue = append(s.queue, p)
		// Yield what is done; wait for the oldest fetch when the window is
		// full.
		for len(s.queue) > 0 && (len(s.queue) >= window || s.queue[0].done()) {
			if !s.emit() {
				return
			}
		}
	}
	if err := ctx.Err(); err != nil {
		s.yield(backend.Item{}, wrapErr("scan", s.prefix, err))
		return
	}
	for len(s.queue) > 0 {
		if !s.emit() {
			return
		}
	}
}

// accept decides what to do with a listed object: nil to skip it, else a
// pending key, ready or with its fetch started.
func (s *scan) accept(ctx context.Context, obj minio.ObjectInfo) *pending {
	rel, ok := strings.CutPrefix(obj.Key, s.b.opts.Prefix)
	if !ok || strings.HasPrefix(rel, metaSpace) {
		return nil
	}
	key, ok := decodeName(rel)
	if !ok {
		s.skip(obj.Key, errForeignName)
		return nil
	}
	if !strings.HasPrefix(key, s.prefix) || key < s.o.Start {
		return nil
	}
	if s.o.Match != nil && !s.o.Match(key) {
		return nil
	}
	p := &pending{key: key}
	if len(obj.UserMetadata) > 0 {
		// The server listed metadata: no request needed for metadata, nor
		// for values that it holds or that are empty.
		ct, _ := lookup(obj.UserMetadata, "Content-Type")
		m, err := decodeMeta(obj.UserMetadataStripped, ct, obj.Size)
		if err != nil || s.o.KeysOnly {
			p.ready, p.res = true, fetched{entry: m.entry, err: err, name: obj.Key}
			return p
		}
		v, ok, err := m.value()
		if ok || err != nil {
			m.entry.Value = v
			p.ready, p.res = true, fetched{entry: m.entry, err: err, name: obj.Key}
			return p
		}
	}
	p.ch = make(chan fetched, 1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		p.ch <- s.b.fetchForScan(ctx, obj.Key, !s.o.KeysOnly)
	}()
	return p
}

// done reports, without blocking, whether p's entry is known.
func (p *pending) done() bool {
	if p.ready {
		return true
	}
	select {
	case p.res = <-p.ch:
		p.ready = true
		return true
	default:
		return false
	}
}

// emit waits for the oldest pending key and yields it, or skips it; it
// reports false when the loop must end.
func (s *scan) emit() bool {
	p := s.queue[0]
	s.queue[0] = nil
	s.queue = s.queue[1:]
	if !p.ready {
		p.res, p.ready = <-p.ch, true
	}
	switch err := p.res.err; {
	case err == nil:
		return s.yield(backend.Item{Key: p.key, Entry: p.res.entry}, nil)
	case errors.Is(err, backend.ErrNotFound):
		return true // removed since it was listed
	case errors.Is(err, backend.ErrCorrupt):
		s.skip(p.res.name, err)
		return true
	default:
		s.yield(backend.Item{}, err)
		return false
	}
}

// fetchForScan reads one listed object for a scan.
func (b *Backend) fetchForScan(ctx context.Context, name string, withValue bool) fetched {
	if !b.enter() {
		return fetched{err: errClosed("scan", name), name: name}
	}
	defer b.leave()
	e, _, err := b.fetch(ctx, name, withValue)
	if err != nil {
		return fetched{err: wrapErr("scan", name, err), name: name}
	}
	return fetched{entry: e, name: name}
}

var errForeignName = errors.New("object name is not the encoding of a key")

func (s *scan) skip(name string, why error) {
	if s.skipped == 0 {
		s.firstSkipped, s.skipReason = name, why
	}
	s.skipped++
}

func (s *scan) logSkipped() {
	if s.skipped > 0 {
		s.b.log.Warn("s3: scan skipped objects that strata did not write",
			"scan", s.prefix, "skipped", s.skipped, "first", s.firstSkipped, "reason", s.skipReason.Error())
	}
}

// validUTF8Prefix returns the longest prefix of s that is valid UTF-8:
// listing prefixes must be, and a byte prefix of keys may end inside a
// character. The caller filters keys with the full prefix.
func validUTF8Prefix(s string) string {
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// isClosed reports whether Close was called.
func (b *Backend) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}
