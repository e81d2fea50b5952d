// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"runtime"

	"github.com/linxGnu/grocksdb"
)

// Options configure Open. A nil *Options means the zero value, whose
// fields all have the defaults documented below.
type Options struct {
	// CreateIfMissing creates the database (and its directory) when dir
	// holds none. Off by default, like Zenoh's create_db: opening a
	// directory without a database is an error that wraps fs.ErrNotExist.
	CreateIfMissing bool

	// ReadOnly opens the database read-only: it takes no lock, so other
	// handles (read-write included) may have it open, and every write
	// returns an error wrapping backend.ErrReadOnly. The handle sees the
	// database as it was when opened; see the package doc.
	ReadOnly bool

	// DestroyOnClose removes the database directory, with everything in
	// it, when the Backend is closed. Meant for caches and tests. Ignored
	// with ReadOnly.
	DestroyOnClose bool

	// Sync fsyncs the write-ahead log before a write returns, so that an
	// acknowledged write survives a power loss. Off by default: a write
	// then survives a crash of the process, not of the machine (see the
	// package doc).
	Sync bool

	// BlockCacheSize is the capacity in bytes of the LRU cache of
	// uncompressed blocks, shared by the column families. 0 means 64 MiB;
	// a negative value disables the block cache.
	BlockCacheSize int64

	// Compression compresses table blocks. The zero value, CompressionLZ4,
	// is cheap enough for every level.
	Compression Compression

	// BloomBitsPerKey sets the whole-key Bloom filters of the tables,
	// which let Get and Stat of a missing key skip most table reads. 0
	// means 10 bits per key (about 1% false positives); a negative value
	// disables the filters.
	BloomBitsPerKey float64

	// WriteBufferSize is the size in bytes of RocksDB's write buffer (a
	// memtable; each column family fills one while at most one more is
	// being flushed). It is also the free space that RocksDB waits for,
	// after a full disk stopped its writes, before it resumes them by
	// itself (its reserved disk buffer; see ErrWritesStopped). 0 means
	// 64 MiB, RocksDB's default.
	WriteBufferSize int64

	// MetaCacheEntries bounds the in-memory cache of the latest metadata
	// (timestamp, tombstone flag, encoding, or absence) of keys that this
	// Backend wrote or stat'ed, which answers Stat without a read. It is
	// exact because RocksDB's lock makes this process the database's only
	// writer. 0 means 131,072 entries (at most about 21 MiB, plus the
	// keys longer than 55 bytes); a negative value disables the cache.
	MetaCacheEntries int
}

// Compression is a block compression algorithm.
type Compression int

// Compression algorithms. The Debian and most distribution builds of
// RocksDB link all of them.
const (
	CompressionLZ4 Compression = iota
	CompressionNone
	CompressionSnappy
	CompressionZSTD
)

// Defaults of the tuning knobs.
const (
	DefaultBlockCacheSize   = 64 << 20
	DefaultWriteBufferSize  = 64 << 20
	DefaultBloomBitsPerKey  = 10
	DefaultMetaCacheEntries = 1 << 17
)

func (c Compression) String() string {
	switch c {
	case CompressionLZ4:
		return "lz4"
	case CompressionNone:
		return "none"
	case CompressionSnappy:
		return "snappy"
	case CompressionZSTD:
		return "zstd"
	}
	return fmt.Sprintf("Compression(%d)", int(c))
}

func (c Compression) native() grocksdb.CompressionType {
	switch c {
	case CompressionNone:
		return grocksdb.NoCompression
	case CompressionSnappy:
		return grocksdb.SnappyCompression
	case CompressionZSTD:
		return grocksdb.ZSTDCompression
	}
	return grocksdb.LZ4Compression
}

// withDefaults returns a copy of o (nil: the zero value) with every zero
// tuning knob replaced by its default, or an error for an invalid field.
func (o *Options) withDefaults() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Compression < CompressionLZ4 || r.Compression > CompressionZSTD {
		return r, fmt.Errorf("rocksdb: invalid %v", r.Compression)
	}
	if r.WriteBufferSize < 0 {
		return r, fmt.Errorf("rocksdb: invalid WriteBufferSize %d", r.WriteBufferSize)
	}
	if r.WriteBufferSize == 0 {
		r.WriteBufferSize = DefaultWriteBufferSize
	}
	if r.BlockCacheSize == 0 {
		r.BlockCacheSize = DefaultBlockCacheSize
	}
	if r.BloomBitsPerKey == 0 {
		r.BloomBitsPerKey = DefaultBloomBitsPerKey
	}
	if r.MetaCacheEntries == 0 {
		r.MetaCacheEntries = DefaultMetaCacheEntries
	}
	if r.ReadOnly {
		r.DestroyOnClose = false
	}
	return r, nil
}

// nativeOptions are the RocksDB objects built from Options. They live as
// long as the database: RocksDB copies most of them at open, but the
// table options and the cache are shared, and grocksdb frees some of them
// twice if they are destroyed early (grocksdb#121).
type nativeOptions struct {
	db    *grocksdb.Options // the DB and every column family
	table *grocksdb.BlockBasedTableOptions
	cache *grocksdb.Cache // nil without a block cache
	write *grocksdb.WriteOptions
}

// newNativeOptions builds the RocksDB options of o, which withDefaults has
// completed. The benchmarks open their raw databases with the same.
func newNativeOptions(o *Options) *nativeOptions {
	n := &nativeOptions{
		db:    grocksdb.NewDefaultOptions(),
		table: grocksdb.NewDefaultBlockBasedTableOptions(),
		write: grocksdb.NewDefaultWriteOptions(),
	}
	if o.BlockCacheSize > 0 {
		n.cache = grocksdb.NewLRUCache(uint64(o.BlockCacheSize))
		n.table.SetBlockCache(n.cache)
	} else {
		n.table.SetNoBlockCache(true)
	}
	if o.BloomBitsPerKey > 0 {
		n.table.SetFilterPolicy(grocksdb.NewBloomFilterFull(o.BloomBitsPerKey))
		n.table.SetWholeKeyFiltering(true)
	}
	// A hash index inside data blocks makes point lookups (Get, Stat)
	// cheaper than a binary search of the block.
	n.table.SetDataBlockIndexType(grocksdb.KDataBlockIndexTypeBinarySearchAndHash)
	n.table.SetDataBlockHashRatio(0.75)

	n.db.SetBlockBasedTableFactory(n.table)
	n.db.SetCompression(o.Compression.native())
	n.db.SetCreateIfMissing(o.CreateIfMissing)
	n.db.SetCreateIfMissingColumnFamilies(!o.ReadOnly)
	n.db.IncreaseParallelism(max(2, runtime.NumCPU()))
	n.db.SetLevelCompactionDynamicLevelBytes(true)
	n.db.SetWriteBufferSize(uint64(o.WriteBufferSize))
	n.write.SetSync(o.Sync)
	return n
}

func (n *nativeOptions) destroy() {
	n.write.Destroy()
	n.db.Destroy()
	n.table.Destroy()
	if n.cache != nil {
		n.cache.Destroy()
	}
}
