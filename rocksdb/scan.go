// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"context"
	"iter"

	"github.com/stratakv/strata/backend"
)

// A scan reads the database in batches: it opens an iterator, copies up to
// a batch of matching entries, closes the iterator, and only then yields
// them. No iterator, read options or pinned block is held while the loop
// body runs, so the body may write, break, or even Close the backend, and a
// slow consumer does not pin memtables or table files. Batches start small
// (a loop that breaks early copies little) and double up to a bound.
const (
	firstScanBatch    = 16
	maxScanBatch      = 1024
	maxScanBatchBytes = 1 << 20
	// scanCheckEvery is how many keys a batch passes over (Match may
	// refuse most of them) between two checks of the context.
	scanCheckEvery = 256
	// scanBufferSize is the initial size of the buffer that a batch's
	// entries are copied into; it grows for a key that does not fit.
	scanBufferSize = 64 << 10
	// inlineValue is the longest record copied into that buffer; a longer
	// one is read in place.
	inlineValue = 16 << 10
	// headerPeek is how much of a record a keys-only scan copies: its
	// header, when its encoding is shorter than about 100 bytes, and no
	// more than the first bytes of its value. A longer header is read in
	// place, by a point lookup.
	headerPeek = 128
)

// scan is the state of one Scan loop.
type scan struct {
	b      *Backend
	ctx    context.Context
	prefix []byte
	upper  []byte // exclusive upper bound of prefix; nil: none
	seek   []byte // where the next batch starts
	opts   backend.ScanOptions
	slab   slab // keys and values yielded, unless KeysOnly
}

// Scan implements backend.Backend. It seeks to the larger of prefix and
// opts.Start and stops at the first key past prefix (RocksDB's iterate
// upper bound is the prefix with its last byte incremented), so it reads
// only the range under the prefix; the empty prefix scans every user key,
// never the metadata. Match is called before a value is decoded (see the
// package doc); KeysOnly decodes only the header of each record.
func (b *Backend) Scan(ctx context.Context, prefix string, opts *backend.ScanOptions) iter.Seq2[backend.Item, error] {
	var o backend.ScanOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(backend.Item, error) bool) {
		s := scan{b: b, ctx: ctx, prefix: []byte(prefix), opts: o}
		s.upper = prefixEnd(s.prefix)
		s.seek = []byte(max(prefix, o.Start))
		batch := make([]backend.Item, 0, firstScanBatch)
		limit := firstScanBatch
		for {
			clear(batch)
			var more bool
			var err error
			batch, more, err = s.fill(batch[:0], limit)
			if err != nil {
				yield(backend.Item{}, err)
				return
			}
			for _, it := range batch {
				if err := ctx.Err(); err != nil {
					yield(backend.Item{}, errContext("scan", prefix, err))
					return
				}
				if !yield(it, nil) {
					return
				}
			}
			if !more {
				return
			}
			s.seek = append(append(s.seek[:0], batch[len(batch)-1].Key...), 0)
			if limit < maxScanBatch {
				limit = min(2*limit, maxScanBatch)
				batch = make([]backend.Item, 0, limit)
			}
		}
	}
}

// fill appends to batch up to limit matching entries from s.seek on, and
// reports whether the prefix may hold more. The iterator copies entries
// into a buffer many at a time (see native.c); a value longer than
// inlineValue is instead read in place, once Match has accepted its key.
func (s *scan) fill(batch []backend.Item, limit int) ([]backend.Item, bool, error) {
	b := s.b
	if err := b.enter(s.ctx, "scan", string(s.prefix)); err != nil {
		return batch, false, err
	}
	defer b.life.leave()
	it := b.h.newIterator(b.h.data, s.upper)
	defer it.close()
	buf := getBuffer(&b.scanBufs, scanBufferSize)
	defer putBuffer(&b.scanBufs, buf)

	valueLimit := inlineValue
	if s.opts.KeysOnly {
		valueLimit = headerPeek
	}
	seek, advance, size := s.seek, false, 0
	for {
		if err := s.ctx.Err(); err != nil {
			return batch, false, errContext("scan", string(s.prefix), err)
		}
		want := limit - len(batch)
		if s.opts.Match != nil {
			want = max(want, scanCheckEvery)
		}
		r, err := it.fill(seek, advance, *buf, want, s.prefix, valueLimit, s.opts.KeysOnly)
		if err != nil {
			return batch, false, nativeError("scan", string(s.prefix), err)
		}
		seek, advance = nil, r.big
		if r.need > 0 {
			*buf = make([]byte, max(r.need, 2*len(*buf)))
			continue
		}
		rest := *buf
		for i := range r.n {
			var (
				k, rec []byte
				whole  bool
			)
			k, rec, whole, rest = nextEntry(rest)
			var key string
			if s.opts.KeysOnly {
				// Kept one by one: a metadata scan may feed an index
				// that keeps some keys for long, which should not keep
				// chunks of the others.
				key = string(k)
			} else {
				key = s.slab.string(k)
			}
			if s.opts.Match != nil && !s.opts.Match(key) {
				continue
			}
			if r.big && i == r.n-1 {
				rec = it.value()
			}
			e, err := b.decode(rec, !s.opts.KeysOnly, &s.slab)
			switch {
			case !whole && s.opts.KeysOnly && (err != nil || e.Deleted):
				// A header longer than headerPeek (a long encoding), or a
				// tombstone longer than its header (which is corrupt):
				// decode the whole record in place, by key.
				var found bool
				if e, found, err = b.lookup("scan", key, false); err != nil {
					return batch, false, err
				} else if !found {
					continue // removed since
				}
			case err != nil:
				return batch, false, recordError("scan", key, err)
			}
			batch = append(batch, backend.Item{Key: key, Entry: e})
			size += len(key) + len(e.Value)
			if len(batch) >= limit || size >= maxScanBatchBytes {
				return batch, true, nil
			}
		}
		if r.end {
			return batch, false, nil
		}
	}
}

// prefixEnd returns the smallest key greater than every key that starts
// with prefix: prefix without its trailing 0xff bytes, last byte
// incremented. It returns nil when there is none (prefix empty or all
// 0xff): the scan then runs to the end of the keys.
func prefixEnd(prefix []byte) []byte {
	n := len(prefix)
	for n > 0 && prefix[n-1] == 0xff {
		n--
	}
	if n == 0 {
		return nil
	}
	end := bytes.Clone(prefix[:n])
	end[n-1]++
	return end
}
