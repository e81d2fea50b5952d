// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backendtest

import (
	"fmt"
	"testing"

	"github.com/stratakv/strata/backend"
)

// BenchKeys is how many keys the benchmarks preload and cycle through.
const BenchKeys = 1000

// BenchKey is the key of index i in the benchmarks' key space, shaped like a
// fleet of robots publishing poses.
func BenchKey(i int) string { return fmt.Sprintf("fleet/robot/%06d/pose", i) }

// BenchValue is a 100-byte value.
var BenchValue = make([]byte, 100)

// RunBenchmarks measures the operations of the Backend contract on the
// backends that newHarness opens: Put, Get, Stat, prefix scans with and
// without values, and batches when the backend has them.
func RunBenchmarks(b *testing.B, newHarness HarnessMaker) {
	b.Run("Put", func(b *testing.B) {
		_, be := open(b, newHarness)
		b.SetBytes(int64(len(BenchValue)))
		i := 0
		for b.Loop() {
			if err := be.Put(bg, BenchKey(i%BenchKeys), entry100(uint64(i+1))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Get", func(b *testing.B) {
		be := preloaded(b, newHarness)
		b.SetBytes(int64(len(BenchValue)))
		i := 0
		for b.Loop() {
			if _, err := be.Get(bg, BenchKey(i%BenchKeys)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Stat", func(b *testing.B) {
		be := preloaded(b, newHarness)
		i := 0
		for b.Loop() {
			if _, err := be.Stat(bg, BenchKey(i%BenchKeys)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	for _, keysOnly := range []bool{false, true} {
		name := fmt.Sprintf("Scan%d", BenchKeys)
		if keysOnly {
			name += "KeysOnly"
		}
		b.Run(name, func(b *testing.B) {
			be := preloaded(b, newHarness)
			opts := &backend.ScanOptions{KeysOnly: keysOnly}
			for b.Loop() {
				n := 0
				for _, err := range be.Scan(bg, "fleet/", opts) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != BenchKeys {
					b.Fatalf("scanned %d keys, want %d", n, BenchKeys)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*BenchKeys), "ns/key")
		})
	}
	b.Run("WriteBatch100", func(b *testing.B) {
		_, be := open(b, newHarness)
		bb, ok := be.(backend.Batcher)
		if !ok {
			b.Skip("backend has no batch capability")
		}
		ops := make([]backend.Op, 100)
		i := 0
		for b.Loop() {
			for j := range ops {
				ops[j] = backend.Op{Key: BenchKey((i*100 + j) % BenchKeys), Entry: entry100(uint64(i + 1))}
			}
			if err := bb.WriteBatch(bg, ops); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func entry100(n uint64) backend.Entry {
	return backend.Entry{Value: BenchValue, Encoding: "application/octet-stream", Timestamp: ts(n)}
}

func preloaded(b *testing.B, newHarness HarnessMaker) backend.Backend {
	_, be := open(b, newHarness)
	ops := make([]backend.Op, BenchKeys)
	for i := range ops {
		ops[i] = backend.Op{Key: BenchKey(i), Entry: entry100(uint64(i + 1))}
	}
	writeOps(b, be, ops)
	return be
}
