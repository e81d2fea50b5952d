// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/linxGnu/grocksdb"

	"github.com/stratakv/strata/backend"
)

// Column families. User keys live in RocksDB's default column family, so
// that tools that know nothing of strata (ldb, sst_dump) show them; the
// store-metadata space has its own, which no scan of user keys touches.
const (
	dataFamily = "default"
	metaFamily = "strata.meta"
)

// Backend is a strata backend over one RocksDB database. Create it with
// Open. It is safe for concurrent use by multiple goroutines.
type Backend struct {
	dir    string // as given to Open
	path   string // canonical, registered while open read-write
	opts   Options
	native *nativeOptions
	sync   *grocksdb.WriteOptions // always syncs: metadata writes
	db     *grocksdb.DB
	data   *grocksdb.ColumnFamilyHandle
	meta   *grocksdb.ColumnFamilyHandle // nil when read-only and absent
	others []*grocksdb.ColumnFamilyHandle
	h      handles    // C objects of the read paths
	cache  *metaCache // nil when disabled
	locks  *keyLocks  // the writes' locks when the cache is disabled, else nil
	life   *lifecycle
	gate   writeGate // stops writes after an I/O error
	encs   encodings // the last encoding read

	recordBufs sync.Pool // *[]byte, records being written
	readBufs   sync.Pool // *[]byte, records being read
	scanBufs   sync.Pool // *[]byte, entries of a scan batch
}

var (
	_ backend.Backend = (*Backend)(nil)
	_ backend.Batcher = (*Backend)(nil)
	_ backend.Aser    = (*Backend)(nil)

	_ backend.NewerWriter = (*Backend)(nil)
)

// Open opens the RocksDB database in dir. A nil opts means the defaults
// documented on Options: in particular the database must exist, unless
// opts.CreateIfMissing is set.
//
// Errors: a directory without a database (and CreateIfMissing off) wraps
// fs.ErrNotExist; a database that another read-write handle holds, in
// this process or another, wraps ErrLocked; a damaged database wraps
// backend.ErrCorrupt.
func Open(dir string, opts *Options) (*Backend, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	exists, err := databaseExists(dir)
	if err != nil {
		return nil, fmt.Errorf("rocksdb: open %q: %w", dir, err)
	}
	if !exists {
		if !o.CreateIfMissing || o.ReadOnly {
			return nil, fmt.Errorf("rocksdb: open %q: no database there (Options.CreateIfMissing is off): %w", dir, fs.ErrNotExist)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("rocksdb: open %q: %w", dir, err)
		}
	}
	path, err := canonicalDir(dir)
	if err != nil {
		return nil, fmt.Errorf("rocksdb: open %q: %w", dir, err)
	}
	if !o.ReadOnly {
		if err := claimDir(path); err != nil {
			return nil, err
		}
	}
	b := &Backend{dir: dir, path: path, opts: o, native: newNativeOptions(&o), cache: newMetaCache(o.MetaCacheEntries)}
	if b.cache == nil {
		b.locks = newKeyLocks()
	}
	b.native.logTo(dir, !o.ReadOnly)
	if err := b.openDB(exists); err != nil {
		b.native.destroy()
		if !o.ReadOnly {
			releaseDir(path)
		}
		return nil, err
	}
	b.sync = grocksdb.NewDefaultWriteOptions()
	b.sync.SetSync(true)
	b.h = newHandles(b.db, b.native.write, b.data, b.meta)
	b.life = newLifecycle(b.release)
	return b, nil
}

// databaseExists reports whether dir holds a RocksDB database.
func databaseExists(dir string) (bool, error) {
	_, err := os.Stat(filepath.Join(dir, "CURRENT"))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
}

// openDB opens the database with every column family it has (RocksDB
// requires them all for a read-write open), creating the metadata one if
// it is missing and the handle is read-write.
func (b *Backend) openDB(exists bool) error {
	names := []string{dataFamily}
	if exists {
		var err error
		if names, err = grocksdb.ListColumnFamilies(b.native.db, b.dir); err != nil {
			return nativeError("open", b.dir, err)
		}
	}
	if !slices.Contains(names, metaFamily) && !b.opts.ReadOnly {
		names = append(names, metaFamily)
	}
	famOpts := make([]*grocksdb.Options, len(names))
	for i := range famOpts {
		famOpts[i] = b.native.db
	}
	var (
		handles []*grocksdb.ColumnFamilyHandle
		err     error
	)
	if b.opts.ReadOnly {
		b.db, handles, err = grocksdb.OpenDbForReadOnlyColumnFamilies(b.native.db, b.dir, names, famOpts, false)
	} else {
		b.db, handles, err = grocksdb.OpenDbColumnFamilies(b.native.db, b.dir, names, famOpts)
	}
	if err != nil {
		if !b.opts.ReadOnly && statusCode(err) == statusIOError {
			if pid := lockHolder(b.dir); pid != 0 {
				return fmt.Errorf("rocksdb: open %q: held by process %d: %w", b.dir, pid, ErrLocked)
			}
		}
		return nativeError("open", b.dir, err)
	}
	for i, name := range names {
		switch name {
		case dataFamily:
			b.data = handles[i]
		case metaFamily:
			b.meta = handles[i]
		default:
			b.others = append(b.others, handles[i])
		}
	}
	return nil
}

// Close closes the database, and removes its directory with
// Options.DestroyOnClose. It waits for the operations in flight: a running
// scan holds the database only while it reads a batch, never while the
// loop body runs, so a loop body may call Close. If ctx ends first, Close
// returns an error wrapping ctx.Err() and the database is closed when the
// last operation ends. Close is idempotent: later calls return nil.
func (b *Backend) Close(ctx context.Context) error {
	first := b.life.close()
	select {
	case <-b.life.done:
	case <-ctx.Done():
		return fmt.Errorf("rocksdb: close %q: operations still in flight (the database closes when they end): %w", b.dir, ctx.Err())
	}
	if first {
		return b.life.err
	}
	return nil
}

// release frees everything; the lifecycle runs it once, when Close has
// begun and nothing is in flight.
func (b *Backend) release() error {
	for _, h := range append([]*grocksdb.ColumnFamilyHandle{b.data, b.meta}, b.others...) {
		if h != nil {
			h.Destroy()
		}
	}
	b.h.free()
	b.db.Close()
	b.native.destroy()
	b.sync.Destroy()
	var err error
	if b.opts.DestroyOnClose {
		if rmErr := os.RemoveAll(b.dir); rmErr != nil {
			err = fmt.Errorf("rocksdb: close %q: destroying the database: %w", b.dir, rmErr)
		}
	}
	if !b.opts.ReadOnly {
		releaseDir(b.path)
	}
	return err
}

// As implements backend.Aser: a target of type **grocksdb.DB receives the
// database handle, valid until Close. User keys are in its default column
// family, in the record format of backend.AppendRecord. Writing user keys
// through it bypasses the Backend's metadata cache: disable the cache
// (Options.MetaCacheEntries < 0) to do that.
func (b *Backend) As(target any) bool {
	if p, ok := target.(**grocksdb.DB); ok {
		*p = b.db
		return true
	}
	return false
}

// enter starts an operation named op on key: it checks ctx and that the
// backend is open. A nil error must be paired with b.life.leave().
func (b *Backend) enter(ctx context.Context, op, key string) error {
	if err := ctx.Err(); err != nil {
		return errContext(op, key, err)
	}
	if !b.life.enter() {
		return errClosed(op, key)
	}
	return nil
}

// enterWrite is enter for writes, which a read-only backend refuses, and
// the write gate refuses while writes are stopped (see writeGate). A nil
// error must be paired with b.leaveWrite().
func (b *Backend) enterWrite(ctx context.Context, op, key string) error {
	if err := b.enter(ctx, op, key); err != nil {
		return err
	}
	if b.opts.ReadOnly {
		b.life.leave()
		return errReadOnly(op, key)
	}
	if err := b.gateWrite(op, key); err != nil {
		b.life.leave()
		return err
	}
	return nil
}
