// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/rest"
)

// benchJobs is the number of writers of BenchmarkCopy (cp -j).
var benchJobs = 8

// fillFlat writes n keys of size bytes into s, in batches.
func fillFlat(b *testing.B, s *strata.Store, n, size int) {
	b.Helper()
	clock := s.Clock()
	batch := make([]strata.Sample, 0, 1000)
	for i := range n {
		v := make([]byte, size)
		copy(v, fmt.Sprintf("value %d", i))
		batch = append(batch, strata.Sample{Key: fmt.Sprintf("demo/k/%07d", i), Value: v, Timestamp: clock.Now(), Kind: strata.KindPut})
		if len(batch) == cap(batch) || i == n-1 {
			_, err := s.ApplyBatch(bg, batch)
			require.NoError(b, err)
			batch = batch[:0]
		}
	}
}

// benchCopy copies n keys of size bytes from src into a new store that
// newDst opens, b.N times, and reports keys/s and MB/s.
func benchCopy(b *testing.B, src *strata.Store, n, size int, newDst func(i int) *strata.Store) {
	var elapsed time.Duration
	for i := range b.N {
		b.StopTimer()
		dst := newDst(i)
		b.StartTimer()
		start := time.Now()
		var st copyStats
		err := copyStore(bg, src, dst, "demo/**", copyOptions{jobs: benchJobs, batch: 256}, &st)
		elapsed += time.Since(start)
		b.StopTimer()
		require.NoError(b, err)
		require.EqualValues(b, n, st.puts.Load())
		require.NoError(b, dst.Close(bg))
		b.StartTimer()
	}
	secs := elapsed.Seconds()
	b.ReportMetric(float64(n*b.N)/secs, "keys/s")
	b.ReportMetric(float64(n*size*b.N)/secs/1e6, "MB/s")
}

// BenchmarkCopy measures cp: 20,000 keys of 100 bytes, memory → RocksDB,
// RocksDB → MinIO and MinIO → RocksDB.
func BenchmarkCopy(b *testing.B) {
	const n, size = 20_000, 100
	b.Run("memory-to-rocksdb", func(b *testing.B) {
		src := openTest(b, "memory:", "demo/**", readWrite)
		defer src.Close(bg)
		fillFlat(b, src, n, size)
		benchCopy(b, src, n, size, func(i int) *strata.Store {
			return openTest(b, withParam(rocksURL(b, fmt.Sprint("dst", i)), "create=true"), "demo/**", readWrite)
		})
	})
	b.Run("rocksdb-to-minio", func(b *testing.B) {
		s3 := newS3Store(b)
		b.Setenv("AWS_CA_BUNDLE", "")
		b.Setenv("AWS_ACCESS_KEY_ID", s3.srv.AccessKey)
		b.Setenv("AWS_SECRET_ACCESS_KEY", s3.srv.SecretKey)
		src := openTest(b, withParam(rocksURL(b, "src"), "create=true"), "demo/**", readWrite)
		defer src.Close(bg)
		fillFlat(b, src, n, size)
		benchCopy(b, src, n, size, func(i int) *strata.Store {
			return openTest(b, s3.url(fmt.Sprint("dst", i), "create=true"), "demo/**", readWrite)
		})
	})
	b.Run("minio-to-rocksdb", func(b *testing.B) {
		s3 := newS3Store(b)
		b.Setenv("AWS_CA_BUNDLE", "")
		b.Setenv("AWS_ACCESS_KEY_ID", s3.srv.AccessKey)
		b.Setenv("AWS_SECRET_ACCESS_KEY", s3.srv.SecretKey)
		mem := openTest(b, "memory:", "demo/**", readWrite)
		defer mem.Close(bg)
		fillFlat(b, mem, n, size)
		src := openTest(b, s3.url("src", "create=true"), "demo/**", readWrite)
		defer src.Close(bg)
		require.NoError(b, copyStore(bg, mem, src, "demo/**", copyOptions{jobs: benchJobs}, &copyStats{}))
		benchCopy(b, src, n, size, func(i int) *strata.Store {
			return openTest(b, withParam(rocksURL(b, fmt.Sprint("dst", i)), "create=true"), "demo/**", readWrite)
		})
	})
}

// BenchmarkREST compares a PUT and a GET of one 100-byte value through
// the REST handler over loopback HTTP (keep-alive) with the same call on
// the Store, over memory.
func BenchmarkREST(b *testing.B) {
	s := openTest(b, "memory:", "demo/**", readWrite)
	defer s.Close(bg)
	value := bytes.Repeat([]byte("v"), 100)
	_, err := s.Put(bg, "demo/get", value)
	require.NoError(b, err)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	srv := rest.NewServer(ln.Addr().String(), rest.NewHandler(s, nil))
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

	measure := func(b *testing.B, op func(i int)) {
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := range b.N {
			start := time.Now()
			op(i)
			lat = append(lat, time.Since(start))
		}
		b.StopTimer()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	}
	httpDo := func(b *testing.B, req *http.Request) {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s %s: %s", req.Method, req.URL, resp.Status)
		}
	}
	b.Run("put/store", func(b *testing.B) {
		measure(b, func(i int) {
			if _, err := s.Put(bg, fmt.Sprintf("demo/p/%d", i%1000), value); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("put/rest", func(b *testing.B) {
		measure(b, func(i int) {
			req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/demo/p/%d", base, i%1000), bytes.NewReader(value))
			req.Header.Set("Content-Type", "application/octet-stream")
			httpDo(b, req)
		})
	})
	b.Run("get/store", func(b *testing.B) {
		measure(b, func(int) {
			if _, err := s.Lookup(bg, "demo/get"); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("get/rest-raw", func(b *testing.B) {
		measure(b, func(int) {
			req, _ := http.NewRequest(http.MethodGet, base+"/demo/get?_raw", nil)
			httpDo(b, req)
		})
	})
	b.Run("get/rest-json", func(b *testing.B) {
		measure(b, func(int) {
			req, _ := http.NewRequest(http.MethodGet, base+"/demo/get", nil)
			httpDo(b, req)
		})
	})
}
