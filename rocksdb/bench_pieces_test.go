// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"testing"

	"github.com/stratakv/strata/backend"
)

// BenchmarkPutPieces splits the distance between a Store put and a raw
// grocksdb put, interleaved as BenchmarkInterleaved is:
//
//	newer        Backend.PutIfNewer alone, against raw puts
//	newer/256    the same on 256 keys, against raw puts of those keys:
//	             every key's cache entry stays in the processor's caches
//
// It reports the throughput ratio x/raw (wall) and x/raw-cpu (thread CPU).
func BenchmarkPutPieces(b *testing.B) {
	for _, c := range []struct {
		name string
		keys int
	}{{"newer", benchKeys}, {"newer/256", 256}} {
		b.Run(c.name, func(b *testing.B) {
			be := openBench(b, nil, benchKeyNames)
			e := backend.Entry{Value: benchValue}
			newer := func(i int) {
				e.Timestamp = stamp(uint64(i + 1 + benchKeys))
				if p, err := be.PutIfNewer(bg, benchKeyNames[i%c.keys], e); err != nil || !p.Written {
					b.Fatal(p, err)
				}
			}
			r := openRaw(b, benchKeyNames)
			keys := rawKeys(benchKeyNames)
			raw := func(i int) {
				if err := r.db.Put(r.native.write, keys[i%c.keys], benchValue); err != nil {
					b.Fatal(err)
				}
			}
			t, _ := interleave(b, raw, newer, 100)
			b.ReportMetric(t.wallRatio(), "x/raw")
			b.ReportMetric(t.cpuRatio(), "x/raw-cpu")
		})
	}
}
