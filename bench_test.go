// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

const benchKeys = 1000

func benchKey(i int) string { return fmt.Sprintf("fleet/robot/%06d/pose", i%benchKeys) }

func benchStore(b *testing.B) *strata.Store {
	s, err := strata.Open(bg, memory.New(), &strata.Options{KeyExpr: "fleet/**", GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(bg) })
	return s
}

func preload(b *testing.B, s *strata.Store) {
	v := make([]byte, 100)
	for i := range benchKeys {
		if _, err := s.Put(bg, benchKey(i), v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStore(b *testing.B) {
	value := make([]byte, 100)
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	b.Run("Put", func(b *testing.B) {
		s := benchStore(b)
		b.SetBytes(int64(len(value)))
		i := 0
		for b.Loop() {
			if _, err := s.Put(bg, keys[i%benchKeys], value); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("PutParallel", func(b *testing.B) {
		s := benchStore(b)
		b.SetBytes(int64(len(value)))
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := s.Put(bg, keys[i%benchKeys], value); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
	b.Run("PutWatched", func(b *testing.B) {
		s := benchStore(b)
		var n int
		stop := s.Watch(func(strata.Sample) { n++ })
		defer stop()
		i := 0
		for b.Loop() {
			if _, err := s.Put(bg, keys[i%benchKeys], value); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Apply", func(b *testing.B) {
		s := benchStore(b)
		clock := hlc.NewClock(nil)
		i := 0
		for b.Loop() {
			smp := strata.Sample{Key: keys[i%benchKeys], Value: value, Timestamp: clock.Now(), Kind: strata.KindPut}
			if _, err := s.Apply(bg, smp); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ApplyBatch100", func(b *testing.B) {
		s := benchStore(b)
		clock := hlc.NewClock(nil)
		batch := make([]strata.Sample, 100)
		i := 0
		for b.Loop() {
			for j := range batch {
				batch[j] = strata.Sample{Key: keys[(i*100+j)%benchKeys], Value: value, Timestamp: clock.Now(), Kind: strata.KindPut}
			}
			if _, err := s.ApplyBatch(bg, batch); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/sample")
	})
	b.Run("ApplyOutdated", func(b *testing.B) {
		s := benchStore(b)
		preload(b, s)
		old := hlc.Timestamp{Time: 1 << 32, ID: hlc.ID{1}}
		i := 0
		for b.Loop() {
			smp := strata.Sample{Key: keys[i%benchKeys], Value: value, Timestamp: old, Kind: strata.KindPut}
			if r, err := s.Apply(bg, smp); err != nil || r != strata.Outdated {
				b.Fatal(r, err)
			}
			i++
		}
	})
	b.Run("Get", func(b *testing.B) {
		s := benchStore(b)
		preload(b, s)
		b.SetBytes(int64(len(value)))
		i := 0
		for b.Loop() {
			for _, err := range s.Get(bg, keys[i%benchKeys]) {
				if err != nil {
					b.Fatal(err)
				}
			}
			i++
		}
	})
	b.Run("GetWildcard1000", func(b *testing.B) {
		s := benchStore(b)
		preload(b, s)
		for b.Loop() {
			n := 0
			for _, err := range s.Get(bg, "fleet/robot/*/pose") {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != benchKeys {
				b.Fatalf("got %d samples", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchKeys), "ns/key")
	})
}

// writesNothing is a backend whose NewerWriter writes nothing and finds
// nothing: a Store over it measures the Store's own work per write.
type writesNothing struct{ backend.Backend }

func (writesNothing) PutIfNewer(context.Context, string, backend.Entry) (backend.Prior, error) {
	return backend.Prior{Written: true}, nil
}

func (writesNothing) WriteBatchIfNewer(_ context.Context, ops []backend.Op, prior []backend.Prior) error {
	for i := range prior {
		prior[i] = backend.Prior{Written: true}
	}
	return nil
}

// BenchmarkStoreOverhead is the Store's own work per Put (checks, clock,
// lock, last writer wins, statistics), over a backend that does nothing,
// with 20,000 keys.
func BenchmarkStoreOverhead(b *testing.B) {
	s, err := strata.Open(bg, writesNothing{memory.New()}, &strata.Options{KeyExpr: "fleet/**", GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(bg) })
	keys := make([]string, 20000)
	for i := range keys {
		keys[i] = fmt.Sprintf("fleet/robot/%06d/pose", i)
	}
	value := make([]byte, 100)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Put(bg, keys[i%len(keys)], value); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
