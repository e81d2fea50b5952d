// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

// #include <stdlib.h>
// #include "native.h"
import "C"

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/stratakv/strata/backend"
)

// maxRecordHeader bounds the length of a record's header (backend.AppendRecord):
// version, flags, timestamp, the encoding's length and the encoding.
const maxRecordHeader = 2 + 24 + 2 + backend.MaxEncodingLen

// The timestamp of a record lies where native.c compares it.
var (
	_ [C.STRATA_RECORD_TS - 2]struct{}
	_ [C.STRATA_RECORD_TS_END - 2 - 24]struct{}
)

// PutIfNewer implements backend.NewerWriter, with one lookup of the key:
// in the metadata cache, under the lock of the key's shard that every
// write of the key holds (reading the database on a miss); without the
// cache, in one call to RocksDB that reads, compares and writes.
func (b *Backend) PutIfNewer(ctx context.Context, key string, e backend.Entry) (backend.Prior, error) {
	if b.cache == nil {
		return b.putIfNewerUncached(ctx, key, &e)
	}
	s, h := b.cache.locate(key)
	if err := b.enter(ctx, "put", key); err != nil {
		return backend.Prior{}, err
	}
	// No defers on this path, the one every put of a Store takes: with
	// as many returns as putIfNewerCached has, they would not be
	// open-coded, and would cost more than the rest of the Go side.
	// Nothing below panics but a bug.
	s.mu.Lock()
	p, err := b.putIfNewerCached(s, h, key, &e)
	s.mu.Unlock()
	b.life.leave()
	return p, err
}

// putIfNewerUncached is PutIfNewer without the metadata cache, under the
// key's own lock.
func (b *Backend) putIfNewerUncached(ctx context.Context, key string, e *backend.Entry) (backend.Prior, error) {
	if err := b.enter(ctx, "put", key); err != nil {
		return backend.Prior{}, err
	}
	defer b.life.leave()
	mu := b.locks.of(key)
	mu.Lock()
	defer mu.Unlock()
	return b.putIfNewerNative(key, e)
}

// putIfNewerCached is PutIfNewer with the metadata cache, under the lock
// of key's shard s; h is key's hash.
func (b *Backend) putIfNewerCached(s *metaShard, h uint64, key string, e *backend.Entry) (backend.Prior, error) {
	// The record is built first, while the entry's slot is on its way
	// from memory if the caller prefetched it (Prefetch: the Store does,
	// as a write begins; a second prefetch here would cost more than it
	// hides).
	rec, recErr := backend.AppendRecord(s.rec[:0], *e)
	s.rec = rec[:0]
	if cap(rec) > maxPooledBuffer {
		s.rec = nil
	}
	m, ok := s.get(key, h)
	if !ok {
		var err error
		if m, err = b.fillCache(s, h, key); err != nil {
			return backend.Prior{}, err
		}
	}
	var p backend.Prior
	if !m.absent {
		p.Entry, p.Found = m.entry(), true
		if e.Timestamp.Compare(m.ts) <= 0 {
			return p, nil
		}
	}
	if recErr != nil {
		return p, recordError("put", key, recErr)
	}
	// The entry is updated before the write, while its memory is still
	// in the processor's caches (RocksDB's write evicts them), and
	// forgotten if the write fails.
	*m = metaOf(e)
	if err := b.writeRecord(key, rec); err != nil {
		s.forget(key, h)
		return p, err
	}
	p.Written = true
	return p, nil
}

// fillCache reads key's metadata from the database into its shard s (whose
// lock is held), for a key the cache does not hold, and returns its entry.
func (b *Backend) fillCache(s *metaShard, h uint64, key string) (*cachedMeta, error) {
	cur, found, err := b.lookup("put", key, false)
	if err != nil {
		return nil, err
	}
	v := cachedMeta{absent: true}
	if found {
		v = metaOf(&cur)
	}
	return s.set(key, h, v), nil
}

// putRecord writes e under key through the write gate, in one call.
func (b *Backend) putRecord(key string, e *backend.Entry) error {
	buf := getBuffer(&b.recordBufs, 512)
	defer putBuffer(&b.recordBufs, buf)
	rec, err := backend.AppendRecord((*buf)[:0], *e)
	*buf = rec
	if err != nil {
		return recordError("put", key, err)
	}
	return b.writeRecord(key, rec)
}

// writeRecord writes the record rec under key through the write gate, in
// one call.
func (b *Backend) writeRecord(key string, rec []byte) error {
	if err := b.gateNewer("put", key); err != nil {
		return err
	}
	k := keyBytes(key)
	err := cError(C.strata_put(b.h.db, b.h.wo, b.h.data, bytesPtr(k), C.size_t(len(k)), bytesPtr(rec), C.size_t(len(rec))))
	if err != nil {
		err = b.writeError("put", key, err)
	}
	b.gate.mu.RUnlock()
	return err
}

// gateNewer is enterWrite for a NewerWriter call that has entered already
// and has decided to write: a nil error must be paired with
// b.gate.mu.RUnlock().
func (b *Backend) gateNewer(op, key string) error {
	if b.opts.ReadOnly {
		return errReadOnly(op, key)
	}
	return b.gateWrite(op, key)
}

// putIfNewerNative is PutIfNewer without the cache, under the key's lock
// (b.locks): one call to RocksDB
// (strata_put_if_newer) while writes flow; a lookup, then a write if the
// entry is newer, over a read-only backend or while writes are stopped,
// so that an entry that is not newer is answered as Stat would.
func (b *Backend) putIfNewerNative(key string, e *backend.Entry) (backend.Prior, error) {
	if b.opts.ReadOnly || b.gate.stopped.Load() != nil || b.gateWrite("put", key) != nil {
		cur, found, err := b.lookup("put", key, false)
		if err != nil {
			return backend.Prior{}, err
		}
		p := backend.Prior{Entry: cur, Found: found}
		if found && e.Timestamp.Compare(cur.Timestamp) <= 0 {
			return p, nil
		}
		if err := b.putRecord(key, e); err != nil {
			return p, err
		}
		p.Written = true
		return p, nil
	}
	defer b.gate.mu.RUnlock()
	wbuf := getBuffer(&b.recordBufs, 512)
	defer putBuffer(&b.recordBufs, wbuf)
	rec, err := backend.AppendRecord((*wbuf)[:0], *e)
	*wbuf = rec
	if err != nil {
		return backend.Prior{}, recordError("put", key, err)
	}
	// The record the key held is read into rbuf up to its header's
	// longest length: its value is not needed.
	rbuf := getBuffer(&b.readBufs, readBufferSize)
	defer putBuffer(&b.readBufs, rbuf)
	head := (*rbuf)[:min(len(*rbuf), maxRecordHeader)]
	k := keyBytes(key)
	r := C.strata_put_if_newer(b.h.db, b.h.ro, b.h.wo, b.h.data, bytesPtr(k), C.size_t(len(k)),
		bytesPtr(rec), C.size_t(len(rec)), bytesPtr(head), C.size_t(len(head)))
	if err := cError(r.err); err != nil {
		if r.tried == 0 {
			return backend.Prior{}, nativeError("put", key, err)
		}
		return backend.Prior{}, b.writeError("put", key, err)
	}
	var p backend.Prior
	if r.found != 0 {
		// A header cut short fails to decode; so does one that
		// strata_put_if_newer did not compare, which it never writes over.
		cur, err := backend.DecodeRecord(head[:min(int(r.len), len(head))], false)
		if err != nil {
			return backend.Prior{}, recordError("put", key, err)
		}
		p.Entry, p.Found = cur, true
	}
	p.Written = r.written != 0
	return p, nil
}

// WriteBatchIfNewer implements backend.NewerWriter: one lookup per key (in
// the metadata cache, under the locks of the keys' shards, or in the
// database), then one RocksDB WriteBatch of the ops to write, built in one
// call.
func (b *Backend) WriteBatchIfNewer(ctx context.Context, ops []backend.Op, prior []backend.Prior) error {
	first := ""
	if len(ops) > 0 {
		first = ops[0].Key
	}
	if err := b.enter(ctx, "write batch", first); err != nil {
		return err
	}
	defer b.life.leave()
	if len(prior) != len(ops) {
		return fmt.Errorf("rocksdb: write batch %q: %d ops and %d priors", first, len(ops), len(prior))
	}
	for _, op := range ops {
		if op.Remove {
			return fmt.Errorf("rocksdb: write batch %q: a remove in a batch of puts if newer", op.Key)
		}
	}
	if len(ops) == 0 {
		return nil
	}
	var d batchDecision
	if b.cache == nil {
		defer b.locks.unlock(b.locks.lock(ops))
	} else {
		var small [128]uint64
		d.hashes = small[:0]
		if len(ops) > len(small) {
			d.hashes = make([]uint64, 0, len(ops))
		}
		var set uint64
		for _, op := range ops {
			h := b.cache.hash(op.Key)
			b.cache.prefetch(h)
			d.hashes = append(d.hashes, h)
			set |= 1 << shardIndex(h)
		}
		b.lockShardSet(set)
		defer b.unlockShards(set)
		// The states are the cache's entries, updated as the ops are
		// decided, unless the batch could evict some of them before it
		// is written.
		d.inPlace = len(ops) <= b.cache.shards[0].half
	}
	n, err := b.decideBatch(ops, prior, &d)
	if err != nil || n == 0 {
		return err
	}
	if err := b.writePuts(ops, prior, n, first); err != nil {
		if b.cache != nil {
			for i, op := range ops {
				b.cache.shard(d.hashes[i]).forget(op.Key, d.hashes[i])
			}
		}
		return err
	}
	if b.cache != nil && !d.inPlace {
		for k, v := range d.states {
			s, h := b.cache.locate(k)
			s.set(k, h, v)
		}
	}
	return nil
}

// batchDecision holds the states of the keys of a batch being decided:
// in the cache itself (inPlace), or in states.
type batchDecision struct {
	inPlace bool
	states  map[string]cachedMeta
	hashes  []uint64 // the cache hash of each op's key
}

// decideBatch fills prior, compares each op with its key's state and
// records the state the op leaves, and returns how many ops are to be
// written. With d.inPlace, the cache's entries change before the write:
// the caller forgets the ops' keys if it fails.
func (b *Backend) decideBatch(ops []backend.Op, prior []backend.Prior, d *batchDecision) (int, error) {
	if !d.inPlace {
		d.states = make(map[string]cachedMeta, len(ops))
	}
	n := 0
	for i := range ops {
		op := &ops[i]
		var (
			shard *metaShard
			h     uint64
		)
		if b.cache != nil {
			h = d.hashes[i]
			shard = b.cache.shard(h)
		}
		st, m, err := b.batchState(op.Key, shard, h, d)
		if err != nil {
			if d.inPlace {
				for j, op := range ops[:i] {
					b.cache.shard(d.hashes[j]).forget(op.Key, d.hashes[j])
				}
			}
			return 0, err
		}
		p := backend.Prior{}
		if !st.absent {
			p.Entry, p.Found = st.entry(), true
		}
		if !p.Found || op.Entry.Timestamp.Compare(st.ts) > 0 {
			p.Written = true
			n++
			st = metaOf(&op.Entry)
		}
		prior[i] = p
		if d.inPlace {
			*m = st
		} else {
			d.states[op.Key] = st
		}
	}
	return n, nil
}

// batchState returns key's state as the ops decided so far leave it and,
// with d.inPlace, the cache entry that holds it; shard is key's cache
// shard (nil without the cache) and h its hash.
func (b *Backend) batchState(key string, shard *metaShard, h uint64, d *batchDecision) (cachedMeta, *cachedMeta, error) {
	if d.inPlace {
		if m, ok := shard.get(key, h); ok {
			return *m, m, nil
		}
	} else {
		if st, ok := d.states[key]; ok {
			return st, nil, nil
		}
		if shard != nil {
			if m, ok := shard.get(key, h); ok {
				return *m, nil, nil
			}
		}
	}
	cur, found, err := b.lookup("write batch", key, false)
	if err != nil {
		return cachedMeta{}, nil, err
	}
	st := cachedMeta{absent: true}
	if found {
		st = metaOf(&cur)
	}
	if d.inPlace {
		return st, shard.set(key, h, st), nil
	}
	return st, nil, nil
}

// writePuts writes the n ops that prior marks written, in one WriteBatch,
// through the write gate. The batch is built here, in RocksDB's own
// serialized form (writeBatchRep), and handed over in one call and one
// copy, where appending each put costs a call of its own.
func (b *Backend) writePuts(ops []backend.Op, prior []backend.Prior, n int, first string) error {
	if err := b.gateNewer("write batch", first); err != nil {
		return err
	}
	defer b.gate.mu.RUnlock()
	buf := getBuffer(&b.recordBufs, 512)
	defer putBuffer(&b.recordBufs, buf)
	rep, err := appendWriteBatchRep((*buf)[:0], ops, prior, n)
	*buf = rep
	if err != nil {
		return err
	}
	if err := cError(C.strata_write_rep(b.h.db, b.h.wo, bytesPtr(rep), C.size_t(len(rep)), C.int(n))); err != nil {
		return b.writeError("write batch", first, err)
	}
	return nil
}

// RocksDB's serialized WriteBatch (db/write_batch.cc, the form the
// write-ahead log keeps): a header of a sequence number (fixed64, zero
// until RocksDB assigns it) and a count of records (fixed32), both little
// endian, then the records. A put in the default column family (the
// data family) is the type kTypeValue, then the key and the value, each
// as a varint32 length and the bytes. TestWriteBatchRep checks it against
// the batches RocksDB builds.
const (
	writeBatchHeader = 12
	typeValue        = 0x1
)

// appendWriteBatchRep appends the serialized WriteBatch of the n ops that
// prior marks written, with their records as values.
func appendWriteBatchRep(dst []byte, ops []backend.Op, prior []backend.Prior, n int) ([]byte, error) {
	dst = binary.LittleEndian.AppendUint64(dst, 0)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
	for i := range ops {
		if !prior[i].Written {
			continue
		}
		op := &ops[i]
		dst = append(dst, typeValue)
		dst = binary.AppendUvarint(dst, uint64(len(op.Key)))
		dst = append(dst, op.Key...)
		dst = binary.AppendUvarint(dst, uint64(backend.RecordSize(op.Entry)))
		var err error
		if dst, err = backend.AppendRecord(dst, op.Entry); err != nil {
			return dst, recordError("write batch", op.Key, err)
		}
	}
	return dst, nil
}
