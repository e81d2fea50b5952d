// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"math/bits"

	"github.com/linxGnu/grocksdb"

	"github.com/stratakv/strata/backend"
)

// Put implements backend.Backend: the metadata and the value are one
// record (backend.AppendRecord), written with one RocksDB put.
func (b *Backend) Put(ctx context.Context, key string, e backend.Entry) error {
	if err := b.enterWrite(ctx, "put", key); err != nil {
		return err
	}
	defer b.leaveWrite()
	buf := getBuffer(&b.recordBufs, 512)
	defer putBuffer(&b.recordBufs, buf)
	rec, err := backend.AppendRecord((*buf)[:0], e)
	*buf = rec
	if err != nil {
		return recordError("put", key, err)
	}
	if b.cache == nil {
		mu := b.locks.of(key)
		mu.Lock()
		defer mu.Unlock()
		if err := b.db.PutCF(b.native.write, b.data, keyBytes(key), rec); err != nil {
			return b.writeError("put", key, err)
		}
		return nil
	}
	s, h := b.cache.locate(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := b.db.PutCF(b.native.write, b.data, keyBytes(key), rec); err != nil {
		s.forget(key, h)
		return b.writeError("put", key, err)
	}
	s.set(key, h, metaOf(&e))
	return nil
}

// Remove implements backend.Backend.
func (b *Backend) Remove(ctx context.Context, key string) error {
	if err := b.enterWrite(ctx, "remove", key); err != nil {
		return err
	}
	defer b.leaveWrite()
	if b.cache == nil {
		mu := b.locks.of(key)
		mu.Lock()
		defer mu.Unlock()
		if err := b.db.DeleteCF(b.native.write, b.data, keyBytes(key)); err != nil {
			return b.writeError("remove", key, err)
		}
		return nil
	}
	s, h := b.cache.locate(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := b.db.DeleteCF(b.native.write, b.data, keyBytes(key)); err != nil {
		s.forget(key, h)
		return b.writeError("remove", key, err)
	}
	s.set(key, h, cachedMeta{absent: true})
	return nil
}

// WriteBatch implements backend.Batcher: the ops are one RocksDB
// WriteBatch, applied atomically and in order.
func (b *Backend) WriteBatch(ctx context.Context, ops []backend.Op) error {
	first := ""
	if len(ops) > 0 {
		first = ops[0].Key
	}
	if err := b.enterWrite(ctx, "write batch", first); err != nil {
		return err
	}
	defer b.leaveWrite()
	if len(ops) == 0 {
		return nil
	}
	wb := grocksdb.NewWriteBatch()
	defer wb.Destroy()
	buf := getBuffer(&b.recordBufs, 512)
	defer putBuffer(&b.recordBufs, buf)
	for _, op := range ops {
		if op.Remove {
			wb.DeleteCF(b.data, keyBytes(op.Key))
			continue
		}
		rec, err := backend.AppendRecord((*buf)[:0], op.Entry)
		*buf = rec
		if err != nil {
			return recordError("write batch", op.Key, err)
		}
		wb.PutCF(b.data, keyBytes(op.Key), rec) // copied into the batch
	}
	if b.cache == nil {
		defer b.locks.unlock(b.locks.lock(ops))
		if err := b.db.Write(b.native.write, wb); err != nil {
			return b.writeError("write batch", first, err)
		}
		return nil
	}
	shards := b.lockShards(ops)
	defer b.unlockShards(shards)
	if err := b.db.Write(b.native.write, wb); err != nil {
		for _, op := range ops {
			b.cache.forget(op.Key)
		}
		return b.writeError("write batch", first, err)
	}
	for _, op := range ops {
		s, h := b.cache.locate(op.Key)
		if op.Remove {
			s.set(op.Key, h, cachedMeta{absent: true})
		} else {
			s.set(op.Key, h, metaOf(&op.Entry))
		}
	}
	return nil
}

// lockShards locks the cache shards of the ops' keys, in index order so
// that concurrent batches cannot deadlock, and returns their set, one bit
// per shard.
func (b *Backend) lockShards(ops []backend.Op) uint64 {
	var set uint64
	for _, op := range ops {
		set |= 1 << shardIndex(b.cache.hash(op.Key))
	}
	b.lockShardSet(set)
	return set
}

// lockShardSet locks the cache shards of set, in index order.
func (b *Backend) lockShardSet(set uint64) {
	for w := set; w != 0; w &= w - 1 {
		b.cache.shards[bits.TrailingZeros64(w)].mu.Lock()
	}
}

func (b *Backend) unlockShards(set uint64) {
	for w := set; w != 0; w &= w - 1 {
		b.cache.shards[bits.TrailingZeros64(w)].mu.Unlock()
	}
}

// PutMeta implements backend.Backend. Metadata writes always sync the
// write-ahead log, whatever Options.Sync says: they are rare, and the
// Store relies on them (remembered wildcard deletes).
func (b *Backend) PutMeta(ctx context.Context, name string, value []byte) error {
	if err := b.enterWrite(ctx, "put metadata", name); err != nil {
		return err
	}
	defer b.leaveWrite()
	var err error
	if value == nil {
		err = b.db.DeleteCF(b.sync, b.meta, keyBytes(name))
	} else {
		err = b.db.PutCF(b.sync, b.meta, keyBytes(name), value)
	}
	if err != nil {
		return b.writeError("put metadata", name, err)
	}
	return nil
}
