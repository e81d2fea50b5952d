// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/s3"
)

func loadKeys(t testing.TB, b *s3.Backend, n int, key func(int) string) {
	t.Helper()
	ops := make([]backend.Op, n)
	for i := range ops {
		ops[i] = backend.Op{Key: key(i), Entry: val(key(i), uint64(i+1))}
	}
	require.NoError(t, b.WriteBatch(bg, ops))
}

// TestScanKeysOnlyReadsNoValue counts requests: a metadata-only scan is
// listings only where the server lists metadata (MinIO), and HEADs
// otherwise; never a GET.
func TestScanKeysOnlyReadsNoValue(t *testing.T) {
	cnt := newCounter(t)
	client := newClient(t, cnt)
	b := openBackend(t, client, makeBucket(t, client, "keysonly"), nil)
	const n = 120
	loadKeys(t, b, n, func(i int) string { return fmt.Sprintf("m/%03d", i) })
	require.NoError(t, b.Put(bg, "m/tomb", backend.Entry{Timestamp: ts(500), Deleted: true}))

	check := func() {
		t.Helper()
		var items []backend.Item
		for it, err := range b.Scan(bg, "m/", &backend.ScanOptions{KeysOnly: true}) {
			require.NoError(t, err)
			items = append(items, it)
		}
		require.Len(t, items, n+1)
		for i, it := range items[:n] {
			require.Equal(t, ts(uint64(i+1)), it.Entry.Timestamp)
			require.Equal(t, "text/plain", it.Entry.Encoding)
			require.Nil(t, it.Entry.Value)
		}
		require.True(t, items[n].Entry.Deleted)
	}
	cnt.reset()
	check()
	require.Equal(t, int64(0), cnt.get.Load()+cnt.head.Load(), "MinIO lists metadata: %v", cnt)
	require.Equal(t, int64(1), cnt.list.Load())

	s3.SetListMetadata(b, false)
	cnt.reset()
	check()
	require.Equal(t, int64(0), cnt.get.Load(), "%v", cnt)
	require.Equal(t, int64(n+1), cnt.head.Load(), "%v", cnt)
}

// scanGoroutines counts the goroutines running code of this package's
// scans. A goroutine that has just signalled its end may still be on its
// way out: the count is retried for a while before it is believed.
func scanGoroutines() int {
	n := 0
	for range 100 {
		buf := make([]byte, 1<<22)
		buf = buf[:runtime.Stack(buf, true)]
		n = 0
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "s3.(*scan)") || strings.Contains(g, "s3.(*Backend).fetchForScan") {
				n++
			}
		}
		if n == 0 {
			return 0
		}
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

// TestScanBreakEarly: breaking out cancels the fetches in flight and
// leaves no goroutine behind.
func TestScanBreakEarly(t *testing.T) {
	client := newClient(t, nil)
	b := openBackend(t, client, makeBucket(t, client, "break"), &s3.Options{Concurrency: 32})
	loadKeys(t, b, 200, func(i int) string { return fmt.Sprintf("k/%03d", i) })
	for _, keysOnly := range []bool{false, true} {
		s3.SetListMetadata(b, false) // keys-only scans fetch too
		n := 0
		for it, err := range b.Scan(bg, "k/", &backend.ScanOptions{KeysOnly: keysOnly}) {
			require.NoError(t, err)
			require.Equal(t, fmt.Sprintf("k/%03d", n), it.Key)
			n++
			if n == 5 {
				break
			}
		}
		require.Equal(t, 0, scanGoroutines(), "goroutines left after the loop")
	}
	// A context canceled in the middle ends the scan with its error.
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	var got error
	n := 0
	for _, err := range b.Scan(ctx, "k/", nil) {
		if err != nil {
			got = err
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	require.ErrorIs(t, got, context.Canceled)
	require.Equal(t, 0, scanGoroutines())
}

// TestScanOrderTrickyKeys: keys whose order differs from a naive
// encoding's (siblings that sort before and after the separator), with a
// Start inside the range. (ScanManyKeys of the conformance suite crosses
// listing pages.)
func TestScanOrderTrickyKeys(t *testing.T) {
	client := newClient(t, nil)
	b := openBackend(t, client, makeBucket(t, client, "pages"), nil)
	var keys []string
	for i := range 200 {
		base := fmt.Sprintf("o/%02d", i%20)
		keys = append(keys, []string{base, base + "/c", base + " x", base + "-y", base + ".z"}[i/20%5]+fmt.Sprint(i/100))
	}
	keys = uniqueSorted(keys)
	ops := make([]backend.Op, len(keys))
	for i, k := range keys {
		ops[i] = backend.Op{Key: k, Entry: val(k, 1)}
	}
	require.NoError(t, b.WriteBatch(bg, ops))
	require.Equal(t, keys, keysOf(t, b, "o/", nil))
	start := keys[len(keys)/3]
	var want []string
	for _, k := range keys {
		if k >= start {
			want = append(want, k)
		}
	}
	require.Equal(t, want, keysOf(t, b, "o/", &backend.ScanOptions{Start: start, KeysOnly: true}))
	// A byte prefix that ends inside a character.
	require.NoError(t, b.Put(bg, "u/é1", val("x", 1)))
	require.NoError(t, b.Put(bg, "u/é2", val("x", 1)))
	require.Equal(t, []string{"u/é1", "u/é2"}, keysOf(t, b, "u/\xc3", nil))
}

func uniqueSorted(s []string) []string {
	m := map[string]bool{}
	var out []string
	for _, k := range s {
		if !m[k] {
			m[k] = true
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// logBuffer is a slog handler target that tests can read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestForeignObjects: objects that strata did not write are skipped by
// scans, with one warning per scan, and refused by Get as corrupt; strata's
// own keys around them are unaffected.
func TestForeignObjects(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "foreign")
	var logs logBuffer
	b := openBackend(t, client, bucket, &s3.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, b.Put(bg, "a/1", val("one", 1)))
	require.NoError(t, b.Put(bg, "a/3", val("three", 3)))
	for _, name := range []string{"a/photo.jpg", "a/2!", "a/%61!", "a/bad!!"} {
		_, err := client.PutObject(bg, bucket, name, strings.NewReader("foreign"), 7, minio.PutObjectOptions{})
		require.NoError(t, err)
	}
	for _, keysOnly := range []bool{false, true} {
		got := keysOf(t, b, "a/", &backend.ScanOptions{KeysOnly: keysOnly})
		require.Equal(t, []string{"a/1", "a/3"}, got)
	}
	require.Contains(t, logs.String(), "skipped=4")
	require.Contains(t, logs.String(), "strata did not write")

	_, err := b.Get(bg, "a/2")
	require.ErrorIs(t, err, backend.ErrCorrupt)
	require.Contains(t, err.Error(), "not written by strata")
	_, _, err = b.StatVersion(bg, "a/2")
	require.ErrorIs(t, err, backend.ErrNotFound, "not cached: presumed missing")
	require.ErrorIs(t, b.PutIfVersion(bg, "a/2", val("mine", 2), ""), backend.ErrConflict,
		"a conditional create does not overwrite it")
	_, _, err = b.StatVersion(bg, "a/2")
	require.ErrorIs(t, err, backend.ErrCorrupt)
	// An unconditional Put replaces it: the key is strata's from then on.
	require.NoError(t, b.Put(bg, "a/2", val("two", 2)))
	require.Equal(t, []string{"a/1", "a/2", "a/3"}, keysOf(t, b, "a/", nil))
}

// TestCloseWaits: Close returns after the operations in flight; each of
// them either succeeded, and is stored, or failed with ErrClosed.
func TestCloseWaits(t *testing.T) {
	client := newClient(t, nil)
	bucket := makeBucket(t, client, "close")
	b, err := s3.Open(bg, client, bucket, &s3.Options{Logger: quiet})
	require.NoError(t, err)
	const n = 64
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.Put(bg, fmt.Sprintf("c/%02d", i), val("v", 1))
		}()
	}
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, b.Close(bg))
	wg.Wait()
	b2 := openBackend(t, client, bucket, nil)
	for i, err := range errs {
		_, getErr := b2.Get(bg, fmt.Sprintf("c/%02d", i))
		if err == nil {
			require.NoError(t, getErr, "acknowledged put %d is stored", i)
		} else {
			require.ErrorIs(t, err, backend.ErrClosed)
			require.ErrorIs(t, getErr, backend.ErrNotFound)
		}
	}
	// A scan in progress stops with ErrClosed; Close from its loop body
	// does not deadlock.
	s3b := openBackend(t, client, bucket, &s3.Options{Concurrency: 2})
	var last error
	for _, err := range s3b.Scan(bg, "c/", nil) {
		if err != nil {
			last = err
			break
		}
		require.NoError(t, s3b.Close(bg))
	}
	require.ErrorIs(t, last, backend.ErrClosed)
	require.Equal(t, 0, scanGoroutines())
}
