// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"io"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/s3"
)

// wildcardSideBySide measures, in one benchmark and alternating their
// order, three ways to read the 1,000 values of 1 KiB under one prefix:
// a wildcard Store.Get with default options (and, for comparison, without
// values inlined in metadata: store-plain); the best plain minio-go
// program (list, then 16 workers that GET the objects); and minio-go one
// object at a time. It reports each one's time per read and the ratios of
// the targets: store vs one-by-one (≥ 4) and raw-16 vs store (store ≥ 0.9
// × raw-16, i.e. raw16/store ≥ 0.9).
func (e *benchEnv) wildcardSideBySide(b *testing.B) {
	const workers = 16
	e.load(b, "w", benchKeys)
	e.load(b, "wp", benchKeys)
	prefix := s3.ObjectName(e.be, "bench/w/")
	prefix = prefix[:len(prefix)-1] // the names under it, without the terminator
	list := func() []string {
		var names []string
		for obj := range e.client.ListObjects(bg, e.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				b.Fatal(obj.Err)
			}
			names = append(names, obj.Key)
		}
		if len(names) != benchKeys {
			b.Fatalf("listed %d objects", len(names))
		}
		return names
	}
	get := func(name string) []byte {
		o, err := e.client.GetObject(bg, e.bucket, name, minio.GetObjectOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer o.Close()
		v, err := io.ReadAll(o)
		if err != nil || len(v) < benchValueSize {
			b.Fatal(len(v), err)
		}
		return v
	}
	ways := []struct {
		name string
		run  func()
		sum  time.Duration
	}{
		{name: "store", run: func() {
			n := 0
			for smp, err := range e.store.Get(bg, "bench/w/*") {
				if err != nil || len(smp.Value) != benchValueSize {
					b.Fatal(len(smp.Value), err)
				}
				n++
			}
			if n != benchKeys {
				b.Fatalf("got %d samples", n)
			}
		}},
		{name: "store-plain", run: func() {
			n := 0
			for smp, err := range e.plainStore.Get(bg, "bench/wp/*") {
				if err != nil || len(smp.Value) != benchValueSize {
					b.Fatal(len(smp.Value), err)
				}
				n++
			}
			if n != benchKeys {
				b.Fatalf("got %d samples", n)
			}
		}},
		{name: "raw16", run: func() {
			names := list()
			values := make([][]byte, len(names))
			next := make(chan int)
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						values[i] = get(names[i])
					}
				}()
			}
			for i := range names {
				next <- i
			}
			close(next)
			wg.Wait()
		}},
		{name: "one-by-one", run: func() {
			for _, name := range list() {
				get(name)
			}
		}},
	}
	i := 0
	for b.Loop() {
		for j := range ways {
			w := &ways[(i+j)%len(ways)]
			t0 := time.Now()
			w.run()
			w.sum += time.Since(t0)
		}
		i++
	}
	per := func(k int) float64 { return float64(ways[k].sum.Nanoseconds()) / float64(b.N) }
	for k, w := range ways {
		b.ReportMetric(per(k)/1e6, w.name+"-ms/op")
	}
	b.ReportMetric(per(3)/per(0), "store-vs-one-by-one-x")
	b.ReportMetric(per(2)/per(0), "store-vs-raw16-x")
	nsPerOp.Store("WildcardGet1000/side/store", per(0))
	nsPerOp.Store("WildcardGet1000/side/raw16", per(2))
	nsPerOp.Store("WildcardGet1000/side/one-by-one", per(3))
}
