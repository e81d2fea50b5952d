// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package rocksdb is a durable strata backend on RocksDB, through
// github.com/linxGnu/grocksdb (cgo; RocksDB 7.8 and grocksdb v1.7.14).
// Open a database with Open and hand the Backend to strata.Open; the Store
// owns it from then on.
//
//	b, err := rocksdb.Open("/var/lib/fleet", &rocksdb.Options{CreateIfMissing: true})
//	...
//	store, err := strata.Open(ctx, b, &strata.Options{KeyExpr: "fleet/**"})
//
// # Layout
//
// User keys live in RocksDB's default column family. Each value is one
// record in the shared format of backend.AppendRecord: the metadata
// (format version, tombstone flag, timestamp, encoding) in front, the value
// last. One put writes metadata and value atomically, and a metadata-only
// read decodes the header alone: Stat where RocksDB holds the record,
// without copying it; a KeysOnly scan from the first 128 bytes of each
// record (the header and at most the start of the value), copied with the
// key into the scan's buffer. Neither allocates a value. The store-metadata space (GetMeta, PutMeta) is a column family of
// its own, "strata.meta", which no scan of user keys touches; its writes
// always sync the write-ahead log.
//
// The other layout, Zenoh's (values in one column family, metadata in
// another, written by one WriteBatch), measured slower for what the Store
// does most (BenchmarkLayout: Stat then Put, exact gets, scans with
// values), and faster only for reads of metadata alone: RocksDB reads the
// blocks that hold a record's value even when only its header is decoded,
// so with values of kilobytes a metadata-only scan costs about the I/O of
// a full scan, and a Stat that the cache cannot answer the I/O of a Get.
//
// A Get or a Stat is one point lookup, helped by whole-key Bloom filters
// and the block cache. Stat is usually not even that: the Backend keeps a
// bounded cache of the latest metadata of the keys it wrote or stat'ed
// (Options.MetaCacheEntries), which is exact because RocksDB's lock makes
// this process the database's only writer. The Store compares timestamps
// before every write (last writer wins) through backend.NewerWriter: the
// Backend compares with the cached metadata and writes under the lock of
// the key's cache shard, one lookup in all (a batch: one per key, and one
// RocksDB WriteBatch built in one call); without the cache, one call to
// RocksDB reads, compares and writes. This is what keeps a Store put close
// to a raw RocksDB put. The cache holds each key's metadata beside the key
// itself, in one slot whose place follows from the key's hash, and the
// Backend implements backend.Prefetcher: the Store asks for the slot as a
// write begins, so that it arrives from memory while the write is checked
// and stamped; a batch asks for all of its keys' slots before it decides
// any.
//
// A Scan seeks to the larger of its prefix and ScanOptions.Start and stops
// at the prefix's end (RocksDB's iterate upper bound), so it reads the range
// under the prefix and nothing else; the empty prefix scans every user key.
// It reads in batches (16 entries at first, doubling up to 1,024 or 1 MiB)
// and holds no iterator while the loop body runs. Match is called before a
// value is decoded: the value of a refused key is never allocated, and, if
// longer than 16 KiB, never copied at all.
//
// # Errors
//
// Errors name the operation and the key, start with "rocksdb:", and wrap:
//
//   - backend.ErrNotFound: no entry, or no metadata record, under the key;
//   - backend.ErrCorrupt: a value that is not a record this package can
//     decode (written by another program, by a newer version, or damaged),
//     and RocksDB's own corruption errors (a table file's checksum);
//   - backend.ErrReadOnly: a write to a Backend opened with ReadOnly;
//   - backend.ErrClosed: any call after Close began;
//   - the context's error, when ctx ended before or during the call;
//   - ErrWritesStopped: a write that failed with an I/O error (a full disk,
//     EIO) or corruption, and every write after it until RocksDB recovers
//     (see Full disk below);
//   - from Open, fs.ErrNotExist when the directory holds no database and
//     CreateIfMissing is off, and ErrLocked when another read-write handle
//     holds the database.
//
// Other errors of RocksDB (I/O errors, a full disk) are wrapped as they
// come. RocksDB's C API reports a status only as text; this package
// classifies it by the status code that the text starts with, in one place.
//
// # Concurrency
//
// A Backend is safe for concurrent use by multiple goroutines. Operations
// in flight are counted without a lock. Close waits for them; an operation
// that starts after Close began returns backend.ErrClosed. Because a scan
// holds the database only while it reads a batch, a scan's loop body may
// call any method, Close included (the scan then ends with ErrClosed after
// the batch it already read), and a slow loop body delays nobody.
//
// Writes share a gate (a read-write lock held shared while a write is in
// RocksDB, so that concurrent writes still share RocksDB's write groups
// and fsyncs). The write that fails with an error that stops writes
// closes it before it returns; a write that enters afterwards is refused
// without calling RocksDB. Writes that were already inside RocksDB then
// are refused by RocksDB itself, which checks its background error before
// it writes its log. Resume, and the automatic probe, hold the gate
// exclusively: no write is in RocksDB while RocksDB recovers.
//
// # Caveats
//
// Durability. Without Options.Sync, a write returns once it is in
// RocksDB's write-ahead log in the operating system's page cache: it
// survives the crash of the process (a panic, SIGKILL), but not a power
// loss or a crash of the operating system, which can lose the writes of
// the last seconds (up to the kernel's dirty-page writeback delay, 30 s by
// default on Linux). RocksDB then recovers a consistent prefix of the
// writes: a WriteBatch is whole or absent. With Sync, every write waits for
// an fsync of the log (concurrent writers share fsyncs), which costs
// milliseconds on most disks. PutMeta always syncs.
//
// Full disk. When the disk is full (or a write fails with another I/O
// error), RocksDB stops accepting writes (a "background error"), and so
// does the Backend: writes return errors wrapping ErrWritesStopped, reads
// keep working, and no acknowledged write is lost. RocksDB recovers by
// itself from a full disk once the free space on the database's file
// system reaches Options.WriteBufferSize (64 MiB by default: its reserved
// disk buffer, so that recovery does not fill the disk again at once); it
// checks every 5 seconds. A refused write notices within a second, or
// Resume waits for it. For other I/O errors, Resume asks RocksDB to
// recover at once. Keep at least WriteBufferSize free, plus room for
// RocksDB's compactions: a smaller WriteBufferSize lowers the free space
// needed to resume, at the cost of more, smaller table files. A
// read-write Open of a database whose disk is still full fails (RocksDB
// writes the log it replays into a table file); a ReadOnly Open reads it.
//
// The info log. RocksDB's informational log is the file LOG in the
// database directory, renamed LOG.old past 8 MiB. The Backend gives
// RocksDB a logger of its own that ignores write errors: RocksDB's own
// logger, in builds with assertions such as Debian's, aborts the process
// on the first line it logs after one failed to be written, which a full
// disk caused at once.
//
// One writer. RocksDB locks a database for one read-write handle. A second
// read-write Open of the same directory, in this process or another, fails
// with an error wrapping ErrLocked (naming the other process when there is
// one); it never crashes or corrupts.
//
// Read-only. A ReadOnly Backend takes no lock: it opens while a writer
// holds the database, or several times. It sees the database as it was
// when opened, the writer's unflushed writes included, and does not follow
// later writes: reopen it to see them.
//
// Raw access. As gives the *grocksdb.DB. Writing user keys through it
// bypasses the metadata cache, which then answers Stat with what it
// remembers: disable the cache (MetaCacheEntries < 0) to do that.
//
// Scans are not snapshots: writes made during a scan may or may not be
// seen, but each key is yielded at most once, in order, and every key that
// exists for the whole scan is yielded.
//
// Memory. Besides RocksDB's memtables (Options.WriteBufferSize each, 64
// MiB by default, at most two per column family), the Backend holds the block cache (BlockCacheSize,
// 64 MiB by default) and the metadata cache (at most about 21 MiB by
// default: 128 bytes an entry, in tables at most three quarters full,
// plus the keys longer than 55 bytes, which are kept apart). A scan that reads values copies the keys and values it yields
// into shared chunks of 4 KiB (one allocation for dozens of small ones);
// each still belongs to the caller, but one that the caller keeps keeps
// its chunk alive. Values over 512 bytes, and the keys of a KeysOnly
// scan, are allocated one by one.
//
// grocksdb. The read paths call RocksDB's C API directly, batching calls
// that grocksdb makes one by one; they take RocksDB's handles out of
// grocksdb's, whose layout a build check pins to grocksdb v1.7.14. The
// info logger and Resume are C++ (recovery.cc), for RocksDB 7.8's C API
// has neither a logger of one's own nor a resume call; they rely on the
// C API's wrappers being a DB* and a shared pointer to a Logger, as they
// are in every release.
package rocksdb
