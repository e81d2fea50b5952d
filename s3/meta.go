package s3

import (
	"context"
	"iter"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/stratakv/strata/backend"
)

// ScanMeta implements backend.Backend: one paginated LIST under the
// metadata space, then a GET per record.
func (b *Backend) ScanMeta(ctx context.Context, prefix string) iter.Seq2[backend.MetaRecord, error] {
	return func(yield func(backend.MetaRecord, error) bool) {
		if !b.enter() {
			yield(backend.MetaRecord{}, errClosed("scan metadata", prefix))
			return
		}
		defer b.leave()
		base := b.opts.Prefix + metaSpace
		lo := minio.ListObjectsOptions{Prefix: base + encodePrefix(prefix), Recursive: true}
		var names []string
		for obj := range b.client.ListObjectsIter(ctx, b.bucket, lo) {
			if obj.Err != nil {
				yield(backend.MetaRecord{}, wrapErr("scan metadata", prefix, obj.Err))
				return
			}
			name, ok := decodeName(strings.TrimPrefix(obj.Key, base))
			if ok && strings.HasPrefix(name, prefix) {
				names = append(names, name)
			}
		}
		for _, name := range names {
			v, err := b.getMeta(ctx, name)
			if isCode(err, backend.ErrNotFound) {
				continue // removed since the listing
			}
			if err != nil {
				yield(backend.MetaRecord{}, err)
				return
			}
			if !yield(backend.MetaRecord{Name: name, Value: v}, nil) {
				return
			}
		}
	}
}
