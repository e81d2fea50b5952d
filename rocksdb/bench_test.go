// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/linxGnu/grocksdb"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
)

// The benchmarks below put the Store over this backend side by side with
// raw grocksdb on the same RocksDB options, for the targets of DESIGN.md:
// store put and get ≥ 0.8 × raw throughput, wildcard get of 10,000 keys ≥
// 0.7 × raw prefix iteration. Each pair runs on a fresh database of
// benchKeys keys shaped like fleet/robot/000123/pose with 100-byte
// values, flushed to table files. Sub-benchmarks:
//
//	raw            grocksdb directly
//	backend        this package's Backend, without the Store
//	store          strata.Store over the Backend
//	store-nocache  the same, with the metadata cache disabled
//
// Besides ns/op, each reports cpu-ns/op: the CPU time of the whole process
// (RocksDB's background threads and the garbage collector included) per
// operation, which a loaded machine disturbs less than wall time.
// BenchmarkInterleaved measures the same pairs with raw and store
// alternating block by block, which load that changes during the run
// cannot bias. TestMain prints the throughput ratios once the benchmarks
// have run.

const (
	benchKeys = 20000
	scanKeys  = 10000
)

var (
	benchValue    = bytes.Repeat([]byte{'p'}, 100)
	benchKeyNames = func() []string {
		keys := make([]string, benchKeys)
		for i := range keys {
			keys[i] = fmt.Sprintf("fleet/robot/%06d/pose", i)
		}
		return keys
	}()
)

// benchOp is one operation of a benchmark, on its i-th key.
type benchOp func(i int)

func BenchmarkPut(b *testing.B) {
	for _, v := range []string{"raw", "backend", "store", "store-nocache"} {
		b.Run(v, func(b *testing.B) { measure(b, "Put/"+v, 1, putOp(b, v)) })
	}
}

func BenchmarkGet(b *testing.B) {
	for _, v := range []string{"raw", "backend", "store"} {
		b.Run(v, func(b *testing.B) { measure(b, "Get/"+v, 1, getOp(b, v)) })
	}
}

func BenchmarkScan10k(b *testing.B) {
	for _, v := range []string{"raw", "backend", "store"} {
		b.Run(v, func(b *testing.B) { measure(b, "Scan10k/"+v, scanKeys, scanOp(b, v)) })
	}
}

// putOp writes benchValue under the i-th key, cycling through benchKeys
// keys that exist: with grocksdb (raw), with Backend.Put, or with
// Store.Put (store, store-nocache).
func putOp(b *testing.B, variant string) benchOp {
	switch variant {
	case "raw":
		r := openRaw(b, benchKeyNames)
		keys := rawKeys(benchKeyNames)
		return func(i int) {
			if err := r.db.Put(r.native.write, keys[i%benchKeys], benchValue); err != nil {
				b.Fatal(err)
			}
		}
	case "backend":
		be := openBench(b, nil, benchKeyNames)
		e := backend.Entry{Value: benchValue, Encoding: "application/octet-stream"}
		return func(i int) {
			e.Timestamp = stamp(uint64(i + benchKeys))
			if err := be.Put(bg, benchKeyNames[i%benchKeys], e); err != nil {
				b.Fatal(err)
			}
		}
	}
	s := openBenchStore(b, variant == "store-nocache", benchKeyNames)
	return func(i int) {
		if _, err := s.Put(bg, benchKeyNames[i%benchKeys], benchValue); err != nil {
			b.Fatal(err)
		}
	}
}

// getOp reads the value of a key, in a pseudo-random order, into memory
// of its own: with grocksdb (raw), Backend.Get, or Store.Get of the
// concrete key (store).
func getOp(b *testing.B, variant string) benchOp {
	switch variant {
	case "raw":
		r := openRaw(b, benchKeyNames)
		keys := rawKeys(benchKeyNames)
		return func(i int) {
			h, err := r.db.GetPinned(r.read, keys[i*7919%benchKeys])
			if err != nil || !h.Exists() {
				b.Fatal("get", err)
			}
			sink = bytes.Clone(h.Data())
			h.Destroy()
		}
	case "backend":
		be := openBench(b, nil, benchKeyNames)
		return func(i int) {
			e, err := be.Get(bg, benchKeyNames[i*7919%benchKeys])
			if err != nil {
				b.Fatal(err)
			}
			sink = e.Value
		}
	}
	s := openBenchStore(b, false, benchKeyNames)
	return func(i int) {
		n := 0
		for smp, err := range s.Get(bg, benchKeyNames[i*7919%benchKeys]) {
			if err != nil {
				b.Fatal(err)
			}
			sink = smp.Value
			n++
		}
		if n != 1 {
			b.Fatalf("got %d samples", n)
		}
	}
}

// scanOp copies the keys and values of the scanKeys keys under
// fleet/robot/, next to as many under fleet/rover/: with a grocksdb
// iterator bounded by the prefix (raw), Backend.Scan of the prefix, or
// Store.Get of fleet/robot/*/pose (store).
func scanOp(b *testing.B, variant string) benchOp {
	switch variant {
	case "raw":
		r := openRaw(b, scanKeyNames)
		prefix := []byte("fleet/robot/")
		return func(int) {
			ro := grocksdb.NewDefaultReadOptions()
			ro.SetIterateUpperBound(prefixEnd(prefix))
			it := r.db.NewIterator(ro)
			n := 0
			for it.Seek(prefix); it.Valid(); it.Next() {
				sinkKey = string(it.Key().Data())
				sink = bytes.Clone(it.Value().Data())
				n++
			}
			if err := it.Err(); err != nil || n != scanKeys {
				b.Fatal(n, err)
			}
			it.Close()
			ro.Destroy()
		}
	case "backend":
		be := openBench(b, nil, scanKeyNames)
		return func(int) {
			n := 0
			for it, err := range be.Scan(bg, "fleet/robot/", nil) {
				if err != nil {
					b.Fatal(err)
				}
				sinkKey, sink = it.Key, it.Entry.Value
				n++
			}
			if n != scanKeys {
				b.Fatal(n)
			}
		}
	}
	s := openBenchStore(b, false, scanKeyNames)
	return func(int) {
		n := 0
		for smp, err := range s.Get(bg, "fleet/robot/*/pose") {
			if err != nil {
				b.Fatal(err)
			}
			sinkKey, sink = smp.Key, smp.Value
			n++
		}
		if n != scanKeys {
			b.Fatal(n)
		}
	}
}

// scanKeyNames holds scanKeys keys under fleet/robot/ and as many under
// fleet/rover/, which a bounded scan of the first prefix never reads.
var scanKeyNames = func() []string {
	keys := make([]string, 0, 2*scanKeys)
	for _, kind := range []string{"robot", "rover"} {
		for i := range scanKeys {
			keys = append(keys, fmt.Sprintf("fleet/%s/%06d/pose", kind, i))
		}
	}
	return keys
}()

var (
	sink    []byte
	sinkKey string
)

// measure runs op(i) for i = 0, 1, … under b.Loop, reports cpu-ns/op (and
// ns/key when an op handles perOp keys), and records the result under name
// for the ratios (unless name is empty).
func measure(b *testing.B, name string, perOp int, op func(i int)) {
	b.ReportAllocs()
	cpu0 := processCPU()
	i := 0
	for b.Loop() {
		op(i)
		i++
	}
	cpu := processCPU() - cpu0
	wall := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	cpuPerOp := float64(cpu.Nanoseconds()) / float64(b.N)
	b.ReportMetric(cpuPerOp, "cpu-ns/op")
	if perOp > 1 {
		b.ReportMetric(wall/float64(perOp), "ns/key")
	}
	if name == "" {
		return
	}
	results.Lock()
	results.wall[name] = append(results.wall[name], wall)
	results.cpu[name] = append(results.cpu[name], cpuPerOp)
	results.Unlock()
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// results holds ns/op of every run of every measured benchmark, by name,
// and the totals of BenchmarkInterleaved, by operation.
var results = struct {
	sync.Mutex
	wall, cpu   map[string][]float64
	interleaved map[string]interleavedTotals
}{wall: map[string][]float64{}, cpu: map[string][]float64{}, interleaved: map[string]interleavedTotals{}}

// printRatios prints, for each pair measured, the store's throughput as a
// fraction of raw grocksdb's beside the target: from the separate runs of
// BenchmarkPut, BenchmarkGet and BenchmarkScan10k (medians over -count
// runs), and from BenchmarkInterleaved.
func printRatios() {
	results.Lock()
	defer results.Unlock()
	targets := []struct {
		op     string
		target float64
	}{{"Put", 0.9}, {"Get", 0.8}, {"Lookup", 0.9}, {"Scan10k", 0.95}, {"ApplyBatch100", 0.85}}
	for _, t := range targets {
		raw := median(results.wall[t.op+"/raw"])
		for _, variant := range []string{"backend", "store", "store-nocache"} {
			name := t.op + "/" + variant
			v := median(results.wall[name])
			if raw == 0 || v == 0 {
				continue
			}
			fmt.Fprintf(os.Stdout, "ratio %s %s/raw throughput = %.2f (cpu %.2f), target ≥ %.2f\n",
				t.op, variant, raw/v, median(results.cpu[t.op+"/raw"])/median(results.cpu[name]), t.target)
		}
	}
	for _, t := range targets {
		if r := results.interleaved[t.op]; r.rawWall > 0 {
			fmt.Fprintf(os.Stdout, "ratio %s store/raw throughput, interleaved = %.2f (thread cpu %.2f), target ≥ %.2f\n",
				t.op, r.wallRatio(), r.cpuRatio(), t.target)
		}
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// rawDB is a grocksdb database with the Backend's default options.
type rawDB struct {
	db     *grocksdb.DB
	native *nativeOptions
	read   *grocksdb.ReadOptions
}

func rawKeys(keys []string) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = []byte(k)
	}
	return out
}

// openRaw opens a raw database holding keys, with the values as they are
// (no record header), flushed to table files.
func openRaw(b *testing.B, keys []string) *rawDB {
	o, _ := (&Options{CreateIfMissing: true}).withDefaults()
	r := &rawDB{native: newNativeOptions(&o), read: grocksdb.NewDefaultReadOptions()}
	db, err := grocksdb.OpenDb(r.native.db, filepath.Join(b.TempDir(), "raw"))
	if err != nil {
		b.Fatal(err)
	}
	r.db = db
	b.Cleanup(func() {
		r.db.Close()
		r.native.destroy()
		r.read.Destroy()
	})
	wb := grocksdb.NewWriteBatch()
	for _, k := range keys {
		wb.Put([]byte(k), benchValue)
	}
	err = db.Write(r.native.write, wb)
	wb.Destroy()
	if err != nil {
		b.Fatal(err)
	}
	fo := grocksdb.NewDefaultFlushOptions()
	defer fo.Destroy()
	if err := db.Flush(fo); err != nil {
		b.Fatal(err)
	}
	return r
}

// benchEncoding is the encoding of the records that the read benchmarks
// find: none, as Store.Put writes them, so that the store and raw sides
// hold the same data (a key and a 100-byte value). With
// -rocksdb.encoding=application/octet-stream, each record carries 24
// bytes more, and the reads cost what those bytes cost.
var benchEncoding = flag.String("rocksdb.encoding", "", "encoding of the records the read benchmarks find")

// openBench opens a Backend holding keys, flushed to table files.
func openBench(b *testing.B, opts *Options, keys []string) *Backend {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.CreateIfMissing = true
	be, err := Open(filepath.Join(b.TempDir(), "db"), &o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = be.Close(bg) })
	ops := make([]backend.Op, len(keys))
	for i, k := range keys {
		ops[i] = backend.Op{Key: k, Entry: backend.Entry{Value: benchValue, Encoding: *benchEncoding, Timestamp: stamp(uint64(i + 1))}}
	}
	if err := be.WriteBatch(bg, ops); err != nil {
		b.Fatal(err)
	}
	fo := grocksdb.NewDefaultFlushOptions()
	defer fo.Destroy()
	if err := be.db.FlushCF(be.data, fo); err != nil {
		b.Fatal(err)
	}
	return be
}

// openBenchStore opens a Store over a Backend holding keys.
func openBenchStore(b *testing.B, noCache bool, keys []string) *strata.Store {
	opts := &Options{}
	if noCache {
		opts.MetaCacheEntries = -1
	}
	be := openBench(b, opts, keys)
	s, err := strata.Open(context.Background(), be, &strata.Options{KeyExpr: "fleet/**"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}
