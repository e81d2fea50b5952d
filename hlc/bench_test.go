// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package hlc

import (
	"testing"
	"time"
)

var (
	sinkTS  Timestamp
	sinkStr string
	sinkErr error
	sinkBuf []byte
)

func BenchmarkNow(b *testing.B) {
	c := NewClock(nil)
	b.ReportAllocs()
	for b.Loop() {
		sinkTS = c.Now()
	}
}

func BenchmarkNowFrozenClock(b *testing.B) {
	c := NewClock(&Options{Now: func() time.Time { return start }})
	b.ReportAllocs()
	for b.Loop() {
		sinkTS = c.Now()
	}
}

func BenchmarkNowParallel(b *testing.B) {
	c := NewClock(nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var ts Timestamp
		for pb.Next() {
			ts = c.Now()
		}
		_ = ts
	})
}

func BenchmarkUpdate(b *testing.B) {
	c := NewClock(nil)
	remote := Timestamp{Time: c.PhysicalNow(), ID: ID{1}}
	b.ReportAllocs()
	for b.Loop() {
		// A newer remote time each round (by one 233 ps unit, slower than
		// physical time), so the compare-and-swap path runs.
		remote.Time++
		sinkErr = c.Update(remote)
	}
	if sinkErr != nil {
		b.Fatal(sinkErr)
	}
}

func BenchmarkString(b *testing.B) {
	ts := Timestamp{Time: 7301444403200000000, ID: RandomID()}
	b.ReportAllocs()
	for b.Loop() {
		sinkStr = ts.String()
	}
}

func BenchmarkAppendString(b *testing.B) {
	ts := Timestamp{Time: 7301444403200000000, ID: RandomID()}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = ts.AppendString(buf[:0])
	}
	sinkBuf = buf
}

func BenchmarkParse(b *testing.B) {
	s := Timestamp{Time: 7301444403200000000, ID: RandomID()}.String()
	b.ReportAllocs()
	for b.Loop() {
		sinkTS, sinkErr = Parse(s)
	}
}

func BenchmarkAppendBinary(b *testing.B) {
	ts := Timestamp{Time: 7301444403200000000, ID: RandomID()}
	buf := make([]byte, 0, BinarySize)
	b.ReportAllocs()
	for b.Loop() {
		buf, sinkErr = ts.AppendBinary(buf[:0])
	}
	sinkBuf = buf
}

func BenchmarkDecodeBinary(b *testing.B) {
	enc, _ := Timestamp{Time: 7301444403200000000, ID: RandomID()}.MarshalBinary()
	b.ReportAllocs()
	for b.Loop() {
		sinkTS, _, sinkErr = DecodeBinary(enc)
	}
}

func BenchmarkAppendRFC3339(b *testing.B) {
	ts := Timestamp{Time: 7386690599959157260, ID: ID{0x33}}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = ts.AppendRFC3339(buf[:0])
	}
}

func BenchmarkParseRFC3339(b *testing.B) {
	s := "2024-07-01T15:32:06.860479001Z/33"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseRFC3339(s); err != nil {
			b.Fatal(err)
		}
	}
}
