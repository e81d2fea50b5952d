package rocksdb

import (
	"bytes"
	"context"
	"iter"

	"github.com/linxGnu/grocksdb"
	"github.com/stratakv/strata/backend"
)

// ScanMeta implements backend.Backend with one iterator over the metadata
// column family. Metadata records are few and small: no batching.
func (b *Backend) ScanMeta(ctx context.Context, prefix string) iter.Seq2[backend.MetaRecord, error] {
	return func(yield func(backend.MetaRecord, error) bool) {
		if err := b.enter(ctx, "scan metadata", prefix); err != nil {
			yield(backend.MetaRecord{}, err)
			return
		}
		defer b.life.leave()
		if b.meta == nil { // a read-only open of a database without metadata
			return
		}
		ro := grocksdb.NewDefaultReadOptions()
		defer ro.Destroy()
		it := b.db.NewIteratorCF(ro, b.meta)
		defer it.Close()
		p := []byte(prefix)
		for it.Seek(p); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				yield(backend.MetaRecord{}, errContext("scan metadata", prefix, err))
				return
			}
			k := it.Key()
			name := k.Data()
			if !bytes.HasPrefix(name, p) {
				k.Free()
				break
			}
			v := it.Value()
			rec := backend.MetaRecord{Name: string(name), Value: bytes.Clone(v.Data())}
			if rec.Value == nil {
				rec.Value = []byte{}
			}
			k.Free()
			v.Free()
			if !yield(rec, nil) {
				return
			}
		}
		if err := it.Err(); err != nil {
			yield(backend.MetaRecord{}, nativeError("scan metadata", prefix, err))
		}
	}
}
