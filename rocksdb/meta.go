// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"iter"

	"github.com/stratakv/strata/backend"
)

// metaScanBatch is how many metadata records ScanMeta reads before it
// yields them.
const metaScanBatch = 256

// ScanMeta implements backend.Backend over the metadata column family.
// Like Scan, it reads in batches (of metaScanBatch records) with an
// iterator bounded above by the prefix's end, and holds no iterator while
// the loop body runs: the body may call any method, Close included.
func (b *Backend) ScanMeta(ctx context.Context, prefix string) iter.Seq2[backend.MetaRecord, error] {
	return func(yield func(backend.MetaRecord, error) bool) {
		p := []byte(prefix)
		seek := append([]byte{}, p...) // not nil: nil means "do not seek"
		for {
			batch, more, err := b.fillMeta(ctx, p, seek)
			if err != nil {
				yield(backend.MetaRecord{}, err)
				return
			}
			for _, r := range batch {
				if err := ctx.Err(); err != nil {
					yield(backend.MetaRecord{}, errContext("scan metadata", prefix, err))
					return
				}
				if !yield(r, nil) {
					return
				}
			}
			if !more {
				return
			}
			seek = append([]byte(batch[len(batch)-1].Name), 0)
		}
	}
}

// fillMeta reads up to metaScanBatch records under prefix from seek on,
// and reports whether the prefix may hold more.
func (b *Backend) fillMeta(ctx context.Context, prefix, seek []byte) ([]backend.MetaRecord, bool, error) {
	if err := b.enter(ctx, "scan metadata", string(prefix)); err != nil {
		return nil, false, err
	}
	defer b.life.leave()
	if b.h.meta == nil { // a read-only open of a database without metadata
		return nil, false, nil
	}
	it := b.h.newIterator(b.h.meta, prefixEnd(prefix))
	defer it.close()
	buf := getBuffer(&b.scanBufs, scanBufferSize)
	defer putBuffer(&b.scanBufs, buf)
	var batch []backend.MetaRecord
	advance := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, false, errContext("scan metadata", string(prefix), err)
		}
		r, err := it.fill(seek, advance, *buf, metaScanBatch-len(batch), prefix, inlineValue, false)
		if err != nil {
			return nil, false, nativeError("scan metadata", string(prefix), err)
		}
		seek, advance = nil, r.big
		if r.need > 0 {
			*buf = make([]byte, max(r.need, 2*len(*buf)))
			continue
		}
		rest := *buf
		for i := range r.n {
			var name, value []byte
			name, value, _, rest = nextEntry(rest)
			if r.big && i == r.n-1 {
				value = it.value()
			}
			batch = append(batch, backend.MetaRecord{Name: string(name), Value: append([]byte{}, value...)})
		}
		if r.end {
			return batch, false, nil
		}
		if len(batch) >= metaScanBatch {
			return batch, true, nil
		}
	}
}
