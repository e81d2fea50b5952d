// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// BenchmarkInterleaved measures the store/raw ratios of the targets with
// the two sides interleaved: each b.Loop iteration runs a block of raw
// operations and a block of store operations (in alternating order), on
// one locked thread, timing each block by wall clock and by the thread's
// CPU time. A machine whose load changes during the run slows both sides
// alike, which separate benchmarks cannot promise; the thread CPU time
// also leaves out the time the thread waited for a core. It reports
// raw-ns/op and store-ns/op (wall), and the ratios of throughputs;
// TestMain prints the ratios of the totals over -count runs.
func BenchmarkInterleaved(b *testing.B) {
	pairs := []struct {
		op    string
		block int
		make  func(*testing.B, string) benchOp
	}{
		{"Put", 100, putOp},
		{"Get", 100, getOp},
		{"Lookup", 100, lookupOp},
		{"Scan10k", 1, scanOp},
		{"ApplyBatch100", 1, batchOp},
	}
	for _, p := range pairs {
		b.Run(p.op, func(b *testing.B) {
			store, raw := p.make(b, "store"), p.make(b, "raw") // store first: it may skip
			t, round := interleave(b, raw, store, p.block)
			ops := float64(round * p.block)
			b.ReportMetric(float64(t.rawWall.Nanoseconds())/ops, "raw-ns/op")
			b.ReportMetric(float64(t.storeWall.Nanoseconds())/ops, "store-ns/op")
			b.ReportMetric(t.wallRatio(), "store/raw")
			b.ReportMetric(t.cpuRatio(), "store/raw-cpu")
			results.Lock()
			sum := results.interleaved[p.op]
			sum.add(t.rawWall, t.rawCPU, t.storeWall, t.storeCPU)
			results.interleaved[p.op] = sum
			results.Unlock()
		})
	}
}

// interleave runs raw and other alternately, block operations at a time,
// under b.Loop on one locked thread, and returns the time each side took
// and the number of rounds.
func interleave(b *testing.B, raw, other benchOp, block int) (interleavedTotals, int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var t interleavedTotals
	round := 0
	for b.Loop() {
		first, second := raw, other
		if round%2 == 1 {
			first, second = other, raw
		}
		w0, c0 := time.Now(), threadCPU()
		for j := range block {
			first(round*block + j)
		}
		w1, c1 := time.Now(), threadCPU()
		for j := range block {
			second(round*block + j)
		}
		w2, c2 := time.Now(), threadCPU()
		if round%2 == 1 {
			t.add(w2.Sub(w1), c2-c1, w1.Sub(w0), c1-c0)
		} else {
			t.add(w1.Sub(w0), c1-c0, w2.Sub(w1), c2-c1)
		}
		round++
	}
	return t, round
}

// interleavedTotals are the times spent by each side.
type interleavedTotals struct {
	rawWall, rawCPU, storeWall, storeCPU time.Duration
}

func (t *interleavedTotals) add(rawWall, rawCPU, storeWall, storeCPU time.Duration) {
	t.rawWall += rawWall
	t.rawCPU += rawCPU
	t.storeWall += storeWall
	t.storeCPU += storeCPU
}

// wallRatio and cpuRatio are the store's throughput over raw's.
func (t interleavedTotals) wallRatio() float64 {
	return float64(t.rawWall) / float64(t.storeWall)
}

func (t interleavedTotals) cpuRatio() float64 {
	return float64(t.rawCPU) / float64(t.storeCPU)
}

// threadCPU returns the CPU time of the calling thread (the goroutine
// must be locked to it).
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
