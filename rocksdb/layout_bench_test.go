// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/linxGnu/grocksdb"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/backendtest"
	"github.com/stratakv/strata/hlc"
)

// BenchmarkLayout compares, on raw grocksdb with the Backend's options, the
// two ways to keep an entry's metadata and value atomically:
//
//   - record: one record per key in one column family, metadata first
//     (backend.AppendRecord), which is what the Backend does;
//   - split: Zenoh's layout, values in "default" and metadata in
//     "data_info", written together by a WriteBatch.
//
// for the Store's access pattern: Stat then Put (last writer wins), exact
// gets, prefix scans with values, and metadata-only scans. The metadata
// cache is left out: it serves Stat the same way under both layouts.
func BenchmarkLayout(b *testing.B) {
	for _, size := range []int{100, 4096} {
		for _, name := range []string{"record", "split"} {
			b.Run(fmt.Sprintf("%s/value=%d", name, size), func(b *testing.B) {
				l := openLayout(b, name)
				value := bytes.Repeat([]byte{'v'}, size)
				keys := make([]string, layoutKeys)
				for i := range keys {
					keys[i] = backendtest.BenchKey(i)
					l.put(keys[i], layoutEntry(value, uint64(i+1)))
				}
				l.flush()
				b.Run("Get", func(b *testing.B) {
					measure(b, "", 1, func(i int) { l.get(keys[i*7919%layoutKeys]) })
				})
				b.Run("Stat", func(b *testing.B) {
					measure(b, "", 1, func(i int) { l.stat(keys[i*7919%layoutKeys]) })
				})
				for _, keysOnly := range []bool{false, true} {
					op := "Scan"
					if keysOnly {
						op = "ScanKeysOnly"
					}
					b.Run(op, func(b *testing.B) {
						measure(b, "", layoutKeys, func(int) {
							if n := l.scan("fleet/", keysOnly); n != layoutKeys {
								b.Fatalf("scanned %d keys", n)
							}
						})
					})
				}
				// Last: its writes leave versions that the reads above would pass over.
				b.Run("StatPut", func(b *testing.B) {
					measure(b, "", 1, func(i int) {
						k := keys[i%layoutKeys]
						e, _ := l.stat(k)
						l.put(k, layoutEntry(value, uint64(e.Timestamp.Time)+16))
					})
				})
			})
		}
	}
}

const layoutKeys = 20000

func layoutEntry(value []byte, n uint64) backend.Entry {
	return backend.Entry{Value: value, Encoding: "application/octet-stream",
		Timestamp: hlc.Timestamp{Time: hlc.NTP64(n), ID: hlc.ID{1}}}
}

// layoutDB is a raw database in one of the two layouts.
type layoutDB struct {
	tb     testing.TB
	split  bool
	native *nativeOptions
	db     *grocksdb.DB
	data   *grocksdb.ColumnFamilyHandle
	info   *grocksdb.ColumnFamilyHandle // split only
	ro     *grocksdb.ReadOptions
	buf    []byte
}

func openLayout(tb testing.TB, name string) *layoutDB {
	o, _ := (&Options{CreateIfMissing: true}).withDefaults()
	l := &layoutDB{tb: tb, split: name == "split", native: newNativeOptions(&o), ro: grocksdb.NewDefaultReadOptions()}
	names := []string{"default"}
	if l.split {
		names = append(names, "data_info")
	}
	db, cfs, err := grocksdb.OpenDbColumnFamilies(l.native.db, filepath.Join(tb.TempDir(), "db"), names,
		[]*grocksdb.Options{l.native.db, l.native.db}[:len(names)])
	if err != nil {
		tb.Fatal(err)
	}
	l.db, l.data = db, cfs[0]
	if l.split {
		l.info = cfs[1]
	}
	tb.Cleanup(func() {
		for _, cf := range cfs {
			cf.Destroy()
		}
		l.db.Close()
		l.native.destroy()
		l.ro.Destroy()
	})
	return l
}

func (l *layoutDB) check(err error) {
	if err != nil {
		l.tb.Fatal(err)
	}
}

func (l *layoutDB) flush() {
	fo := grocksdb.NewDefaultFlushOptions()
	defer fo.Destroy()
	l.check(l.db.FlushCF(l.data, fo))
	if l.split {
		l.check(l.db.FlushCF(l.info, fo))
	}
}

func (l *layoutDB) put(key string, e backend.Entry) {
	var err error
	if !l.split {
		l.buf, err = backend.AppendRecord(l.buf[:0], e)
		l.check(err)
		l.check(l.db.PutCF(l.native.write, l.data, keyBytes(key), l.buf))
		return
	}
	l.buf, err = backend.AppendRecord(l.buf[:0], backend.Entry{Encoding: e.Encoding, Timestamp: e.Timestamp, Deleted: e.Deleted})
	l.check(err)
	wb := grocksdb.NewWriteBatch()
	defer wb.Destroy()
	wb.PutCF(l.info, keyBytes(key), l.buf)
	if e.Deleted {
		wb.DeleteCF(l.data, keyBytes(key))
	} else {
		wb.PutCF(l.data, keyBytes(key), e.Value)
	}
	l.check(l.db.Write(l.native.write, wb))
}

func (l *layoutDB) read(cf *grocksdb.ColumnFamilyHandle, key string, withValue bool) (backend.Entry, bool) {
	h, err := l.db.GetPinnedCF(l.ro, cf, keyBytes(key))
	l.check(err)
	defer h.Destroy()
	if !h.Exists() {
		return backend.Entry{}, false
	}
	if cf == l.data && l.split { // a bare value
		return backend.Entry{Value: bytes.Clone(h.Data())}, true
	}
	e, err := backend.DecodeRecord(h.Data(), withValue)
	l.check(err)
	return e, true
}

func (l *layoutDB) stat(key string) (backend.Entry, bool) {
	if l.split {
		return l.read(l.info, key, false)
	}
	return l.read(l.data, key, false)
}

func (l *layoutDB) get(key string) (backend.Entry, bool) {
	if !l.split {
		return l.read(l.data, key, true)
	}
	e, ok := l.read(l.info, key, false)
	if ok && !e.Deleted {
		v, _ := l.read(l.data, key, true)
		e.Value = v.Value
	}
	return e, ok
}

// scan copies every key and entry under prefix, as Backend.Scan does, and
// returns how many it saw.
func (l *layoutDB) scan(prefix string, keysOnly bool) int {
	ro := grocksdb.NewDefaultReadOptions()
	defer ro.Destroy()
	ro.SetIterateUpperBound(prefixEnd([]byte(prefix)))
	meta := l.data
	if l.split {
		meta = l.info
	}
	it := l.db.NewIteratorCF(ro, meta)
	defer it.Close()
	var vals *grocksdb.Iterator
	if l.split && !keysOnly {
		vals = l.db.NewIteratorCF(ro, l.data)
		defer vals.Close()
		vals.Seek([]byte(prefix))
	}
	n := 0
	for it.Seek([]byte(prefix)); it.Valid(); it.Next() {
		key := string(it.Key().Data())
		e, err := backend.DecodeRecord(it.Value().Data(), !keysOnly && !l.split)
		l.check(err)
		if vals != nil && !e.Deleted {
			for vals.Valid() && bytes.Compare(vals.Key().Data(), keyBytes(key)) < 0 {
				vals.Next()
			}
			if !vals.Valid() || !bytes.Equal(vals.Key().Data(), keyBytes(key)) {
				l.tb.Fatalf("no value for %q", key)
			}
			e.Value = bytes.Clone(vals.Value().Data())
		}
		_ = e
		n++
	}
	l.check(it.Err())
	return n
}
