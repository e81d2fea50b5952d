// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"testing"

	"github.com/linxGnu/grocksdb"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// batchSize is the number of samples of one ApplyBatch in the benchmarks.
const batchSize = 100

// batchOp writes batchSize values under consecutive keys of benchKeys
// (that exist) in one write: a grocksdb WriteBatch of as many puts (raw),
// or Store.ApplyBatch of as many samples with a new timestamp (store). The
// samples of one batch share a timestamp, taken from a clock of their
// own, so that generating them costs the store side next to nothing.
func batchOp(b *testing.B, variant string) benchOp {
	if variant == "raw" {
		r := openRaw(b, benchKeyNames)
		keys := rawKeys(benchKeyNames)
		return func(i int) {
			wb := grocksdb.NewWriteBatch()
			for j := range batchSize {
				wb.Put(keys[(i*batchSize+j)%benchKeys], benchValue)
			}
			err := r.db.Write(r.native.write, wb)
			wb.Destroy()
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	s := openBenchStore(b, variant == "store-nocache", benchKeyNames)
	clock := hlc.NewClock(&hlc.Options{ID: hlc.ID{7}})
	batch := make([]strata.Sample, batchSize)
	return func(i int) {
		ts := clock.Now()
		for j := range batch {
			batch[j] = strata.Sample{Key: benchKeyNames[(i*batchSize+j)%benchKeys], Value: benchValue, Timestamp: ts, Kind: strata.KindPut}
		}
		if _, err := s.ApplyBatch(bg, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// looker is Store.Lookup, the one-lookup point read, where the Store has it.
type looker interface {
	Lookup(ctx context.Context, key string) (strata.Sample, error)
}

// lookupOp reads the value of a key as getOp does, with Store.Lookup for
// the store; it skips the benchmark when the Store has no Lookup.
func lookupOp(b *testing.B, variant string) benchOp {
	if variant == "raw" {
		return getOp(b, variant)
	}
	s := openBenchStore(b, variant == "store-nocache", benchKeyNames)
	l, ok := any(s).(looker)
	if !ok {
		b.Skip("the Store has no Lookup")
	}
	return func(i int) {
		smp, err := l.Lookup(bg, benchKeyNames[i*7919%benchKeys])
		if err != nil {
			b.Fatal(err)
		}
		sink = smp.Value
	}
}

func BenchmarkApplyBatch100(b *testing.B) {
	for _, v := range []string{"raw", "store", "store-nocache"} {
		b.Run(v, func(b *testing.B) { measure(b, "ApplyBatch100/"+v, batchSize, batchOp(b, v)) })
	}
}
