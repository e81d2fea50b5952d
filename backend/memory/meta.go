// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package memory

import (
	"context"
	"iter"
	"slices"
	"strings"

	"github.com/stratakv/strata/backend"
)

// ScanMeta implements backend.Backend. It reads a snapshot of the records
// taken when the scan starts.
func (b *Backend) ScanMeta(ctx context.Context, prefix string) iter.Seq2[backend.MetaRecord, error] {
	return func(yield func(backend.MetaRecord, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(backend.MetaRecord{}, err)
			return
		}
		b.mu.RLock()
		if b.closed {
			b.mu.RUnlock()
			yield(backend.MetaRecord{}, errClosed("scan metadata", prefix))
			return
		}
		var recs []backend.MetaRecord
		for name, v := range b.meta {
			if strings.HasPrefix(name, prefix) {
				recs = append(recs, backend.MetaRecord{Name: name, Value: append([]byte(nil), v...)})
			}
		}
		b.mu.RUnlock()
		slices.SortFunc(recs, func(x, y backend.MetaRecord) int { return strings.Compare(x.Name, y.Name) })
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}
