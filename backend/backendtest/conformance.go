// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backendtest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// RunConformanceTests runs the contract of package backend against the
// backends that newHarness opens. Each subtest gets its own harness.
func RunConformanceTests(t *testing.T, newHarness HarnessMaker) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness, backend.Backend)
	}{
		{"GetMissing", testGetMissing},
		{"PutGet", testPutGet},
		{"EmptyKey", testEmptyKey},
		{"Replace", testReplace},
		{"Tombstone", testTombstone},
		{"Remove", testRemove},
		{"ScanOrder", testScanOrder},
		{"ScanPrefix", testScanPrefix},
		{"ScanKeysOnly", testScanKeysOnly},
		{"ScanStartAndMatch", testScanStartAndMatch},
		{"ScanBreakEarly", testScanBreakEarly},
		{"ScanManyKeys", testScanManyKeys},
		{"Values", testValues},
		{"Keys", testKeys},
		{"Concurrent", testConcurrent},
		{"Meta", testMeta},
		{"ScanMeta", testScanMeta},
		{"Context", testContext},
		{"Batch", testBatch},
		{"Conditional", testConditional},
		{"Close", testClose},
		{"Reopen", testReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, b := open(t, newHarness)
			tc.fn(t, h, b)
		})
	}
}

var bg = context.Background()

// ts returns a deterministic, valid timestamp for test n.
func ts(n uint64) hlc.Timestamp {
	return hlc.Timestamp{Time: hlc.NTP64(n<<4 + 1<<40), ID: hlc.ID{0x2a}}
}

func entry(v string, n uint64) backend.Entry {
	return backend.Entry{Value: []byte(v), Encoding: "text/plain", Timestamp: ts(n)}
}

func put(t testing.TB, b backend.Backend, key string, e backend.Entry) {
	t.Helper()
	require.NoError(t, b.Put(bg, key, e), "put %q", key)
}

func requireEntry(t testing.TB, want, got backend.Entry, withValue bool) {
	t.Helper()
	require.Equal(t, want.Encoding, got.Encoding, "encoding")
	require.Equal(t, want.Timestamp, got.Timestamp, "timestamp")
	require.Equal(t, want.Deleted, got.Deleted, "deleted")
	if withValue {
		require.True(t, bytes.Equal(want.Value, got.Value), "value: want %q, got %q", want.Value, got.Value)
	} else {
		require.Nil(t, got.Value, "metadata-only read returned a value")
	}
}

func scanAll(t testing.TB, b backend.Backend, prefix string, opts *backend.ScanOptions) []backend.Item {
	t.Helper()
	var items []backend.Item
	for it, err := range b.Scan(bg, prefix, opts) {
		require.NoError(t, err, "scan %q", prefix)
		items = append(items, it)
	}
	return items
}

func keysOf(items []backend.Item) []string {
	var keys []string
	for _, it := range items {
		keys = append(keys, it.Key)
	}
	return keys
}

func testGetMissing(t *testing.T, _ Harness, b backend.Backend) {
	_, err := b.Get(bg, "no/such/key")
	require.ErrorIs(t, err, backend.ErrNotFound)
	_, err = b.Stat(bg, "no/such/key")
	require.ErrorIs(t, err, backend.ErrNotFound)
	_, err = b.Get(bg, "")
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.Empty(t, scanAll(t, b, "", nil))
}

func testPutGet(t *testing.T, _ Harness, b backend.Backend) {
	e := entry("hello", 1)
	put(t, b, "a/b", e)
	got, err := b.Get(bg, "a/b")
	require.NoError(t, err)
	requireEntry(t, e, got, true)
	got, err = b.Stat(bg, "a/b")
	require.NoError(t, err)
	requireEntry(t, e, got, false)

	// The backend must not retain the caller's slice.
	buf := []byte("mutable")
	put(t, b, "a/c", backend.Entry{Value: buf, Timestamp: ts(2)})
	buf[0] = 'X'
	got, err = b.Get(bg, "a/c")
	require.NoError(t, err)
	require.Equal(t, "mutable", string(got.Value))
	got.Value[0] = 'Y' // nor hand out its own
	got, err = b.Get(bg, "a/c")
	require.NoError(t, err)
	require.Equal(t, "mutable", string(got.Value))
	require.Empty(t, got.Encoding)
}

func testEmptyKey(t *testing.T, _ Harness, b backend.Backend) {
	put(t, b, "a", entry("child", 2))
	put(t, b, "", entry("root", 1))
	got, err := b.Get(bg, "")
	require.NoError(t, err)
	requireEntry(t, entry("root", 1), got, true)
	require.Equal(t, []string{"", "a"}, keysOf(scanAll(t, b, "", nil)))
	require.NoError(t, b.Remove(bg, ""))
	require.Equal(t, []string{"a"}, keysOf(scanAll(t, b, "", nil)))
}

func testReplace(t *testing.T, _ Harness, b backend.Backend) {
	put(t, b, "k", entry("one", 1))
	put(t, b, "k", backend.Entry{Value: []byte("two"), Encoding: "application/json", Timestamp: ts(2)})
	got, err := b.Get(bg, "k")
	require.NoError(t, err)
	requireEntry(t, backend.Entry{Value: []byte("two"), Encoding: "application/json", Timestamp: ts(2)}, got, true)
	require.Len(t, scanAll(t, b, "", nil), 1)
}

func testTombstone(t *testing.T, _ Harness, b backend.Backend) {
	put(t, b, "k", entry("v", 1))
	tomb := backend.Entry{Timestamp: ts(2), Deleted: true}
	put(t, b, "k", tomb)
	got, err := b.Get(bg, "k")
	require.NoError(t, err)
	requireEntry(t, tomb, got, true)
	// A tombstone for a key never seen is stored too.
	put(t, b, "never/seen", backend.Entry{Timestamp: ts(3), Deleted: true})
	items := scanAll(t, b, "", nil)
	require.Equal(t, []string{"k", "never/seen"}, keysOf(items))
	for _, it := range items {
		require.True(t, it.Entry.Deleted)
		require.Empty(t, it.Entry.Value)
	}
}

func testRemove(t *testing.T, _ Harness, b backend.Backend) {
	put(t, b, "k", entry("v", 1))
	require.NoError(t, b.Remove(bg, "k"))
	_, err := b.Get(bg, "k")
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.NoError(t, b.Remove(bg, "k"), "removing a missing key")
}

func testScanOrder(t *testing.T, _ Harness, b backend.Backend) {
	keys := []string{"b", "a/b/c", "a", "a/b", "ab", "a/bc", "Z", "é", "a b", "a/@x", "z/9", "z/10"}
	for i, k := range rand.New(rand.NewPCG(1, 2)).Perm(len(keys)) {
		put(t, b, keys[k], entry(keys[k], uint64(i+1)))
	}
	want := slices.Clone(keys)
	sort.Strings(want)
	items := scanAll(t, b, "", nil)
	require.Equal(t, want, keysOf(items))
	for _, it := range items {
		require.Equal(t, it.Key, string(it.Entry.Value), "value of %q", it.Key)
		require.Equal(t, "text/plain", it.Entry.Encoding)
	}
}

func testScanPrefix(t *testing.T, _ Harness, b backend.Backend) {
	for i, k := range []string{"a", "a/a", "a/b", "a/b/c", "a/b/c/d", "a/bc", "a/bc/d", "a/c", "b"} {
		put(t, b, k, entry(k, uint64(i+1)))
	}
	cases := map[string][]string{
		"":      {"a", "a/a", "a/b", "a/b/c", "a/b/c/d", "a/bc", "a/bc/d", "a/c", "b"},
		"a/b":   {"a/b", "a/b/c", "a/b/c/d", "a/bc", "a/bc/d"},
		"a/b/":  {"a/b/c", "a/b/c/d"},
		"a/b/c": {"a/b/c", "a/b/c/d"},
		"a/bc/": {"a/bc/d"},
		"a/":    {"a/a", "a/b", "a/b/c", "a/b/c/d", "a/bc", "a/bc/d", "a/c"},
		"c":     nil,
		"a/b/x": nil,
		"0":     nil,
	}
	for prefix, want := range cases {
		require.Equal(t, want, keysOf(scanAll(t, b, prefix, nil)), "prefix %q", prefix)
	}
}

func testScanKeysOnly(t *testing.T, _ Harness, b backend.Backend) {
	put(t, b, "x/1", entry("one", 1))
	put(t, b, "x/2", backend.Entry{Timestamp: ts(2), Deleted: true})
	items := scanAll(t, b, "x/", &backend.ScanOptions{KeysOnly: true})
	require.Equal(t, []string{"x/1", "x/2"}, keysOf(items))
	requireEntry(t, entry("", 1), items[0].Entry, false)
	requireEntry(t, backend.Entry{Timestamp: ts(2), Deleted: true}, items[1].Entry, false)
}

func testScanStartAndMatch(t *testing.T, _ Harness, b backend.Backend) {
	for i := range 10 {
		k := fmt.Sprintf("p/%02d", i)
		put(t, b, k, entry(k, uint64(i+1)))
	}
	put(t, b, "q", entry("q", 99))
	got := keysOf(scanAll(t, b, "p/", &backend.ScanOptions{Start: "p/07"}))
	require.Equal(t, []string{"p/07", "p/08", "p/09"}, got)
	got = keysOf(scanAll(t, b, "p/", &backend.ScanOptions{Start: "p/035"}))
	require.Equal(t, []string{"p/04", "p/05", "p/06", "p/07", "p/08", "p/09"}, got)
	got = keysOf(scanAll(t, b, "p/", &backend.ScanOptions{Start: "a"}))
	require.Len(t, got, 10, "a Start before the prefix")
	require.Empty(t, scanAll(t, b, "p/", &backend.ScanOptions{Start: "p/99"}))

	var asked []string
	even := func(k string) bool { asked = append(asked, k); return (k[len(k)-1]-'0')%2 == 0 }
	items := scanAll(t, b, "p/", &backend.ScanOptions{Match: even})
	require.Equal(t, []string{"p/00", "p/02", "p/04", "p/06", "p/08"}, keysOf(items))
	for _, it := range items {
		require.Equal(t, it.Key, string(it.Entry.Value))
	}
	require.Len(t, asked, 10, "Match is asked once per key under the prefix")
}

func testScanBreakEarly(t *testing.T, _ Harness, b backend.Backend) {
	for i := range 300 {
		put(t, b, fmt.Sprintf("k/%03d", i), entry("v", uint64(i+1)))
	}
	for range 20 {
		n := 0
		for _, err := range b.Scan(bg, "k/", nil) {
			require.NoError(t, err)
			n++
			if n == 3 {
				break
			}
		}
		require.Equal(t, 3, n)
	}
	// Writes from inside a loop must not deadlock.
	n := 0
	for it, err := range b.Scan(bg, "k/", &backend.ScanOptions{KeysOnly: true}) {
		require.NoError(t, err)
		if n%100 == 0 {
			put(t, b, it.Key, entry("w", 1000))
		}
		n++
	}
	require.Equal(t, 300, n)
	got, err := b.Get(bg, "k/100")
	require.NoError(t, err)
	require.Equal(t, "w", string(got.Value))
}

// testScanManyKeys goes past the page sizes of listing APIs (S3: 1,000).
func testScanManyKeys(t *testing.T, _ Harness, b backend.Backend) {
	const n = 1100
	ops := make([]backend.Op, n)
	for i := range n {
		ops[i] = backend.Op{Key: fmt.Sprintf("many/%05d", i), Entry: entry(fmt.Sprint(i), uint64(i+1))}
	}
	writeOps(t, b, ops)
	items := scanAll(t, b, "many/", nil)
	require.Len(t, items, n)
	for i, it := range items {
		require.Equal(t, ops[i].Key, it.Key)
		require.Equal(t, fmt.Sprint(i), string(it.Entry.Value))
	}
	require.Len(t, scanAll(t, b, "many/", &backend.ScanOptions{KeysOnly: true}), n)
}

// writeOps writes ops with the batch capability when there is one, else
// one at a time, concurrently.
func writeOps(t testing.TB, b backend.Backend, ops []backend.Op) {
	t.Helper()
	if bb, ok := b.(backend.Batcher); ok {
		require.NoError(t, bb.WriteBatch(bg, ops))
		return
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(ops))
	sem := make(chan struct{}, 16)
	for _, op := range ops {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if op.Remove {
				errs <- b.Remove(bg, op.Key)
			} else {
				errs <- b.Put(bg, op.Key, op.Entry)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func testValues(t *testing.T, _ Harness, b backend.Backend) {
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	large := make([]byte, 4<<20)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range large {
		large[i] = byte(r.Uint32())
	}
	values := map[string][]byte{
		"v/empty":  {},
		"v/binary": binary,
		"v/large":  large,
		"v/utf8":   []byte("grüße, 世界"),
	}
	i := uint64(1)
	for k, v := range values {
		put(t, b, k, backend.Entry{Value: v, Encoding: "application/octet-stream", Timestamp: ts(i)})
		i++
	}
	for k, v := range values {
		got, err := b.Get(bg, k)
		require.NoError(t, err)
		require.True(t, bytes.Equal(v, got.Value), "value of %q differs (len %d vs %d)", k, len(v), len(got.Value))
	}
	for _, it := range scanAll(t, b, "v/", nil) {
		require.True(t, bytes.Equal(values[it.Key], it.Entry.Value), "scanned value of %q", it.Key)
	}
	long := string(bytes.Repeat([]byte("e"), backend.MaxEncodingLen/4))
	put(t, b, "v/enc", backend.Entry{Value: []byte("x"), Encoding: long + ";charset=utf-8", Timestamp: ts(9)})
	got, err := b.Get(bg, "v/enc")
	require.NoError(t, err)
	require.Equal(t, long+";charset=utf-8", got.Encoding)
}

func testKeys(t *testing.T, _ Harness, b backend.Backend) {
	keys := []string{
		"with space/and more", "ünï/cødé/日本", "per%cent/100%", "plus+sign/a+b",
		"@verbatim/x", "a/@v/b", "dots/./..", "quote\"s/'single'", "tilde~/under_score",
		"amp&er/eq=uals;semi", "x/" + string(bytes.Repeat([]byte("k"), 200)),
	}
	for i, k := range keys {
		put(t, b, k, entry(k, uint64(i+1)))
	}
	for _, k := range keys {
		got, err := b.Get(bg, k)
		require.NoError(t, err, "get %q", k)
		require.Equal(t, k, string(got.Value))
	}
	want := slices.Clone(keys)
	sort.Strings(want)
	require.Equal(t, want, keysOf(scanAll(t, b, "", nil)))
}

func testConcurrent(t *testing.T, _ Harness, b backend.Backend) {
	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*3)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				shared := fmt.Sprintf("shared/%d", i%5)
				own := fmt.Sprintf("own/%d/%d", w, i)
				errs <- b.Put(bg, shared, entry(fmt.Sprint(w), uint64(i+1)))
				errs <- b.Put(bg, own, entry(own, uint64(i+1)))
				if _, err := b.Get(bg, shared); err != nil {
					errs <- err
				}
				for _, err := range b.Scan(bg, "shared/", &backend.ScanOptions{KeysOnly: true}) {
					if err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, scanAll(t, b, "own/", nil), workers*rounds)
	for _, it := range scanAll(t, b, "shared/", nil) {
		require.Len(t, it.Entry.Value, 1, "a shared key holds one writer's whole value")
	}
}

func testMeta(t *testing.T, _ Harness, b backend.Backend) {
	_, err := b.GetMeta(bg, "config")
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.NoError(t, b.PutMeta(bg, "config", []byte("one")))
	require.NoError(t, b.PutMeta(bg, "wildcard-deletes", []byte{0, 1, 2}))
	got, err := b.GetMeta(bg, "config")
	require.NoError(t, err)
	require.Equal(t, "one", string(got))
	require.NoError(t, b.PutMeta(bg, "config", []byte("two")))
	got, err = b.GetMeta(bg, "config")
	require.NoError(t, err)
	require.Equal(t, "two", string(got))
	require.Empty(t, scanAll(t, b, "", nil), "metadata records are not keys")
	put(t, b, "config", entry("user key", 1))
	got, err = b.GetMeta(bg, "config")
	require.NoError(t, err)
	require.Equal(t, "two", string(got), "a user key does not clobber a metadata record")
	require.NoError(t, b.PutMeta(bg, "config", nil))
	_, err = b.GetMeta(bg, "config")
	require.ErrorIs(t, err, backend.ErrNotFound)
	got, err = b.GetMeta(bg, "wildcard-deletes")
	require.NoError(t, err)
	require.Equal(t, []byte{0, 1, 2}, got)
}

func testContext(t *testing.T, _ Harness, b backend.Backend) {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	require.Error(t, b.Put(ctx, "k", entry("v", 1)))
	_, err := b.Get(ctx, "k")
	require.Error(t, err)
	var scanErr error
	for _, err := range b.Scan(ctx, "", nil) {
		scanErr = err
	}
	require.Error(t, scanErr)
}

func testBatch(t *testing.T, _ Harness, b backend.Backend) {
	bb, ok := b.(backend.Batcher)
	if !ok {
		t.Skip("backend has no batch capability")
	}
	put(t, b, "gone", entry("x", 1))
	require.NoError(t, bb.WriteBatch(bg, []backend.Op{
		{Key: "b/1", Entry: entry("one", 2)},
		{Key: "b/2", Entry: backend.Entry{Timestamp: ts(3), Deleted: true}},
		{Key: "gone", Remove: true},
	}))
	require.Equal(t, []string{"b/1", "b/2"}, keysOf(scanAll(t, b, "", nil)))
	require.NoError(t, bb.WriteBatch(bg, nil), "an empty batch")
}

func testConditional(t *testing.T, _ Harness, b backend.Backend) {
	cb, ok := b.(backend.Conditional)
	if !ok {
		t.Skip("backend has no conditional writes")
	}
	_, v, err := cb.StatVersion(bg, "c")
	require.ErrorIs(t, err, backend.ErrNotFound)
	require.Equal(t, backend.Version(""), v)
	require.NoError(t, cb.PutIfVersion(bg, "c", entry("one", 1), ""))
	require.ErrorIs(t, cb.PutIfVersion(bg, "c", entry("again", 2), ""), backend.ErrConflict)
	e, v1, err := cb.StatVersion(bg, "c")
	require.NoError(t, err)
	requireEntry(t, entry("", 1), e, false)
	require.NotEmpty(t, v1)
	require.NoError(t, cb.PutIfVersion(bg, "c", entry("two", 2), v1))
	require.ErrorIs(t, cb.PutIfVersion(bg, "c", entry("stale", 3), v1), backend.ErrConflict)
	got, err := b.Get(bg, "c")
	require.NoError(t, err)
	require.Equal(t, "two", string(got.Value))
}

func testClose(t *testing.T, _ Harness, b backend.Backend) {
	put(t, b, "k", entry("v", 1))
	require.NoError(t, b.Close(bg))
	require.NoError(t, b.Close(bg), "a second Close")
	_, err := b.Get(bg, "k")
	require.ErrorIs(t, err, backend.ErrClosed)
	require.ErrorIs(t, b.Put(bg, "k", entry("v", 2)), backend.ErrClosed)
	require.ErrorIs(t, b.Remove(bg, "k"), backend.ErrClosed)
	require.ErrorIs(t, b.PutMeta(bg, "m", []byte("x")), backend.ErrClosed)
	var scanErr error
	for _, err := range b.Scan(bg, "", nil) {
		scanErr = err
	}
	require.ErrorIs(t, scanErr, backend.ErrClosed)
}

func testReopen(t *testing.T, h Harness, b backend.Backend) {
	if !h.Durable() {
		t.Skip("volatile backend")
	}
	put(t, b, "", entry("root", 1))
	put(t, b, "a/b", entry("ab", 2))
	put(t, b, "a/b/c", backend.Entry{Value: []byte("abc"), Encoding: "application/json", Timestamp: ts(3)})
	put(t, b, "gone", backend.Entry{Timestamp: ts(4), Deleted: true})
	require.NoError(t, b.PutMeta(bg, "config", []byte("cfg")))
	require.NoError(t, b.Close(bg))

	b2, err := h.Open(bg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b2.Close(bg) })
	items := scanAll(t, b2, "", nil)
	require.Equal(t, []string{"", "a/b", "a/b/c", "gone"}, keysOf(items))
	requireEntry(t, entry("root", 1), items[0].Entry, true)
	requireEntry(t, backend.Entry{Value: []byte("abc"), Encoding: "application/json", Timestamp: ts(3)}, items[2].Entry, true)
	requireEntry(t, backend.Entry{Timestamp: ts(4), Deleted: true}, items[3].Entry, true)
	got, err := b2.GetMeta(bg, "config")
	require.NoError(t, err)
	require.Equal(t, "cfg", string(got))
}

func testScanMeta(t *testing.T, _ Harness, b backend.Backend) {
	scan := func(prefix string) []backend.MetaRecord {
		t.Helper()
		var out []backend.MetaRecord
		for r, err := range b.ScanMeta(bg, prefix) {
			require.NoError(t, err)
			out = append(out, r)
		}
		return out
	}
	require.Empty(t, scan(""))
	names := []string{"w/b", "w/a", "w/a/1", "x", "w", "wa"}
	for i, n := range names {
		require.NoError(t, b.PutMeta(bg, n, []byte{byte(i)}))
	}
	got := scan("w/")
	require.Equal(t, []backend.MetaRecord{
		{Name: "w/a", Value: []byte{1}}, {Name: "w/a/1", Value: []byte{2}}, {Name: "w/b", Value: []byte{0}},
	}, got)
	require.Len(t, scan(""), len(names))
	require.NoError(t, b.PutMeta(bg, "w/a", nil))
	require.Len(t, scan("w/"), 2)
	for range b.ScanMeta(bg, "") {
		break // an early break releases the scan
	}
	ctx, cancel := context.WithCancel(bg)
	cancel()
	var err error
	for _, e := range b.ScanMeta(ctx, "") {
		err = e
	}
	require.Error(t, err, "a cancelled scan must say so")
	// User keys never show up in the metadata space.
	put(t, b, "w/a", entry("v", 1))
	require.Len(t, scan("w/"), 2)
}
