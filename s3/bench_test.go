// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/backendtest"
	"github.com/stratakv/strata/s3"
)

// BenchmarkBackend runs the shared backend benchmarks on the shared server.
func BenchmarkBackend(b *testing.B) {
	client := newClient(b, newCounter(b))
	backendtest.RunBenchmarks(b, bucketHarness(client, s3.Options{}, nil))
}

// nsPerOp records the ns/op of the side-by-side benchmarks, for the ratios
// that TestMain prints.
var nsPerOp sync.Map // name -> float64

func record(b *testing.B, name string, cnt *counter) {
	b.ReportMetric(float64(cnt.total())/float64(b.N), "req/op")
	nsPerOp.Store(name, float64(b.Elapsed().Nanoseconds())/float64(b.N))
}

const (
	benchValueSize = 1 << 10
	benchKeys      = 1000
	listKeys       = 10000
)

// benchEnv is what BenchmarkS3 works on; it is set up once per process
// (so that -count reuses the loaded keys) and removed by TestMain.
type benchEnv struct {
	cnt    *counter
	client *minio.Client
	bucket string
	be     *s3.Backend // under store
	loader *s3.Backend
	store  *strata.Store
	// The same without inlined values (InlineValues -1), under Prefix
	// "plain/".
	plainLoader *s3.Backend
	plainStore  *strata.Store
	// The same with exact bodies (SingleWriter: no nonce), under Prefix
	// "exact/".
	exactLoader *s3.Backend
	exactStore  *strata.Store
	value       []byte
	loads       sync.Map // key space -> *sync.Once
}

var (
	benchOnce sync.Once
	bench     *benchEnv
	benchErr  error
)

func getBenchEnv(b *testing.B) *benchEnv {
	cnt := newCounter(b)
	client := newClient(b, cnt) // skips without a server
	benchOnce.Do(func() {
		e := &benchEnv{cnt: cnt, client: client, bucket: uniqueBucket("bench"), value: bytes.Repeat([]byte("v"), benchValueSize)}
		if benchErr = client.MakeBucket(bg, e.bucket, minio.MakeBucketOptions{}); benchErr != nil {
			return
		}
		bench = e
		if e.be, benchErr = s3.Open(bg, client, e.bucket, &s3.Options{Logger: quiet}); benchErr != nil {
			return
		}
		if e.loader, benchErr = s3.Open(bg, client, e.bucket, &s3.Options{Concurrency: 64, Logger: quiet}); benchErr != nil {
			return
		}
		if e.store, benchErr = strata.Open(bg, e.be, &strata.Options{KeyExpr: "bench/**", Logger: quiet, GCInterval: -1, WildcardRefresh: -1}); benchErr != nil {
			return
		}
		plain := s3.Options{Prefix: "plain", InlineValues: -1, Logger: quiet}
		pb, err := s3.Open(bg, client, e.bucket, &plain)
		if benchErr = err; err != nil {
			return
		}
		plain.Concurrency = 64
		if e.plainLoader, benchErr = s3.Open(bg, client, e.bucket, &plain); benchErr != nil {
			return
		}
		if e.plainStore, benchErr = strata.Open(bg, pb, &strata.Options{KeyExpr: "bench/**", Logger: quiet, GCInterval: -1, WildcardRefresh: -1}); benchErr != nil {
			return
		}
		exact := s3.Options{Prefix: "exact", SingleWriter: true, Logger: quiet}
		xb, err := s3.Open(bg, client, e.bucket, &exact)
		if benchErr = err; err != nil {
			return
		}
		exact.Concurrency = 64
		if e.exactLoader, benchErr = s3.Open(bg, client, e.bucket, &exact); benchErr != nil {
			return
		}
		e.exactStore, benchErr = strata.Open(bg, xb, &strata.Options{KeyExpr: "bench/**", Logger: quiet, GCInterval: -1, WildcardRefresh: -1})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

// removeBenchEnv removes what BenchmarkS3 created; TestMain calls it.
func removeBenchEnv() {
	if bench == nil {
		return
	}
	for _, st := range []*strata.Store{bench.store, bench.plainStore, bench.exactStore} {
		if st != nil {
			_ = st.Close(bg)
		}
	}
	removeObjects(nopTB{}, bench.client, bench.bucket, "")
	removeBucket(nopTB{}, bench.client, bench.bucket)
}

func benchKey(space string, i int) string { return fmt.Sprintf("bench/%s/%05d", space, i) }

// load writes n keys of space once per process, through the loader of
// the store that reads them ("wp": plainStore, "gx": exactStore).
func (e *benchEnv) load(b *testing.B, space string, n int) {
	once, _ := e.loads.LoadOrStore(space, new(sync.Once))
	once.(*sync.Once).Do(func() {
		ops := make([]backend.Op, n)
		for i := range ops {
			ops[i] = backend.Op{Key: benchKey(space, i), Entry: backend.Entry{Value: e.value, Encoding: "application/octet-stream", Timestamp: ts(uint64(i + 1))}}
		}
		loader := e.loader
		switch space {
		case "wp":
			loader = e.plainLoader
		case "gx":
			loader = e.exactLoader
		}
		if err := loader.WriteBatch(bg, ops); err != nil {
			b.Fatal(err)
		}
		if space == "g" {
			for i := range n {
				if _, err := e.client.PutObject(bg, e.bucket, fmt.Sprintf("raw/g/%05d", i), bytes.NewReader(e.value), benchValueSize, minio.PutObjectOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// loadMeta writes n store-metadata records of 40 bytes once per process.
func (e *benchEnv) loadMeta(b *testing.B, n int) {
	once, _ := e.loads.LoadOrStore("meta", new(sync.Once))
	once.(*sync.Once).Do(func() {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 64)
		for i := range n {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				v := fmt.Appendf(nil, "bench/wd/%05d: a remembered delete record", i)
				if err := e.loader.PutMeta(bg, fmt.Sprintf("bench/wd/%05d", i), v); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	})
}

func (e *benchEnv) rawPut(b *testing.B, i int) {
	if _, err := e.client.PutObject(bg, e.bucket, fmt.Sprintf("raw/p/%05d", i%benchKeys), bytes.NewReader(e.value), benchValueSize, minio.PutObjectOptions{}); err != nil {
		b.Fatal(err)
	}
}

func (e *benchEnv) storePut(b *testing.B, i int) { e.putOn(b, e.store, i) }

func (e *benchEnv) putOn(b *testing.B, st *strata.Store, i int) {
	if _, err := st.Put(bg, benchKey("p", i%benchKeys), e.value); err != nil {
		b.Fatal(err)
	}
}

func (e *benchEnv) rawGet(b *testing.B, i int) {
	obj, err := e.client.GetObject(bg, e.bucket, fmt.Sprintf("raw/g/%05d", i%benchKeys), minio.GetObjectOptions{})
	if err != nil {
		b.Fatal(err)
	}
	v, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || len(v) != benchValueSize {
		b.Fatal(len(v), err)
	}
}

func (e *benchEnv) storeGet(b *testing.B, i int) { e.getOn(b, e.store, "g", i) }

func (e *benchEnv) getOn(b *testing.B, st *strata.Store, space string, i int) {
	n := 0
	for smp, err := range st.Get(bg, benchKey(space, i%benchKeys)) {
		if err != nil || len(smp.Value) != benchValueSize {
			b.Fatal(len(smp.Value), err)
		}
		n++
	}
	if n != 1 {
		b.Fatalf("got %d samples", n)
	}
}

// pair runs raw and store operations alternately (which goes first
// alternates too) and reports the time of each: the ratio TestMain prints,
// measured so that a server slowed down by other load slows both alike.
func (e *benchEnv) pair(b *testing.B, name string, raw, store func(*testing.B, int)) {
	var rawNs, storeNs time.Duration
	timed := func(op func(*testing.B, int), i int, sum *time.Duration) {
		t0 := time.Now()
		op(b, i)
		*sum += time.Since(t0)
	}
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			timed(raw, i, &rawNs)
			timed(store, i, &storeNs)
		} else {
			timed(store, i, &storeNs)
			timed(raw, i, &rawNs)
		}
		i++
	}
	b.ReportMetric(float64(rawNs.Nanoseconds())/float64(b.N), "raw-ns/op")
	b.ReportMetric(float64(storeNs.Nanoseconds())/float64(b.N), "store-ns/op")
	b.ReportMetric(float64(rawNs)/float64(storeNs), "store-vs-raw-x")
	nsPerOp.Store(name+"/raw", float64(rawNs.Nanoseconds())/float64(b.N))
	nsPerOp.Store(name+"/store", float64(storeNs.Nanoseconds())/float64(b.N))
}

// BenchmarkS3 measures this backend, under a strata.Store, against minio-go
// used directly, on the same server through the same client (one
// transport), with 1 KiB values: Put, Get, a wildcard get of 1,000 objects
// against listing and fetching them one by one, and a metadata-only scan
// of 10,000 keys (from the listing's metadata, and with a HEAD per key).
// The store-plain variant does not store small values in metadata too
// (Options.InlineValues -1, where the default inlines them), so that its
// scan GETs every value. Put/nonce-pair and Get/nonce-pair measure what
// the default nonce costs against exact bodies (Options.SingleWriter).
// Each reports the HTTP requests per operation (req/op); the Pair
// benchmarks alternate raw and store operations for the printed ratios.
func BenchmarkS3(b *testing.B) {
	e := getBenchEnv(b)
	cnt := e.cnt
	run := func(name string, setup func(b *testing.B), op func(b *testing.B, i int)) {
		b.Run(name, func(b *testing.B) {
			if setup != nil {
				setup(b)
			}
			b.SetBytes(benchValueSize)
			cnt.reset()
			i := 0
			for b.Loop() {
				op(b, i)
				i++
			}
			record(b, name, cnt)
		})
	}
	loadG := func(b *testing.B) { e.load(b, "g", benchKeys) }
	run("Put/raw", nil, e.rawPut)
	run("Put/store", nil, e.storePut)
	b.Run("Put/pair", func(b *testing.B) { e.pair(b, "Put/pair", e.rawPut, e.storePut) })
	run("Get/raw", loadG, e.rawGet)
	run("Get/store", loadG, e.storeGet)
	b.Run("Get/pair", func(b *testing.B) { loadG(b); e.pair(b, "Get/pair", e.rawGet, e.storeGet) })
	b.Run("Put/nonce-pair", func(b *testing.B) {
		e.pair(b, "Put/nonce-pair", func(b *testing.B, i int) { e.putOn(b, e.exactStore, i) }, e.storePut)
	})
	b.Run("Get/nonce-pair", func(b *testing.B) {
		loadG(b)
		e.load(b, "gx", benchKeys)
		e.pair(b, "Get/nonce-pair", func(b *testing.B, i int) { e.getOn(b, e.exactStore, "gx", i) }, e.storeGet)
	})

	wildcard := func(name string, store *strata.Store, space string) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(benchKeys * benchValueSize)
			e.load(b, space, benchKeys)
			cnt.reset()
			for b.Loop() {
				n := 0
				for smp, err := range store.Get(bg, "bench/"+space+"/*") {
					if err != nil || len(smp.Value) != benchValueSize {
						b.Fatal(len(smp.Value), err)
					}
					n++
				}
				if n != benchKeys {
					b.Fatalf("got %d samples", n)
				}
			}
			record(b, name, cnt)
		})
	}
	wildcard("WildcardGet1000/store", e.store, "w")
	wildcard("WildcardGet1000/store-plain", e.plainStore, "wp")
	b.Run("WildcardGet1000/raw-one-by-one", func(b *testing.B) {
		b.SetBytes(benchKeys * benchValueSize)
		e.load(b, "w", benchKeys)
		prefix := s3.ObjectName(e.be, "bench/w/")
		prefix = prefix[:len(prefix)-1] // the names under it, without the terminator
		cnt.reset()
		for b.Loop() {
			n := 0
			for obj := range e.client.ListObjects(bg, e.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
				if obj.Err != nil {
					b.Fatal(obj.Err)
				}
				o, err := e.client.GetObject(bg, e.bucket, obj.Key, minio.GetObjectOptions{})
				if err != nil {
					b.Fatal(err)
				}
				v, err := io.ReadAll(o)
				o.Close()
				if err != nil || len(v) < benchValueSize {
					b.Fatal(len(v), err)
				}
				n++
			}
			if n != benchKeys {
				b.Fatalf("got %d objects", n)
			}
		}
		record(b, "WildcardGet1000/raw-one-by-one", cnt)
	})

	b.Run("WildcardGet1000/side-by-side", func(b *testing.B) { e.wildcardSideBySide(b) })

	for _, listed := range []bool{true, false} {
		name := "ScanMeta10000/listed"
		if !listed {
			name = "ScanMeta10000/gets"
		}
		b.Run(name, func(b *testing.B) {
			e.loadMeta(b, listKeys)
			s3.SetListMetadata(e.be, listed)
			defer s3.SetListMetadata(e.be, true)
			cnt.reset()
			for b.Loop() {
				n := 0
				for _, err := range e.be.ScanMeta(bg, "bench/wd/") {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != listKeys {
					b.Fatalf("scanned %d records", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*listKeys), "ns/record")
			record(b, name, cnt)
		})
	}

	for _, heads := range []bool{false, true} {
		name := "ListKeysOnly10000/backend"
		if heads {
			name += "-heads"
		}
		b.Run(name, func(b *testing.B) {
			e.load(b, "l", listKeys)
			s3.SetListMetadata(e.be, !heads)
			defer s3.SetListMetadata(e.be, true)
			cnt.reset()
			for b.Loop() {
				n := 0
				for _, err := range e.be.Scan(bg, "bench/l/", &backend.ScanOptions{KeysOnly: true}) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != listKeys {
					b.Fatalf("scanned %d keys", n)
				}
			}
			if g := cnt.get.Load(); g != 0 {
				b.Fatalf("a metadata-only scan made %d GETs", g)
			}
			if h := cnt.head.Load(); !heads && h != 0 {
				b.Fatalf("a metadata-only scan with list-with-metadata made %d HEADs", h)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*listKeys), "ns/key")
			record(b, name, cnt)
		})
	}
}
