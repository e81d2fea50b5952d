// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

func TestOpenValidatesOptions(t *testing.T) {
	cases := []struct {
		name string
		opts *strata.Options
		want string
		is   error
	}{
		{"nil options", nil, "KeyExpr is required", nil},
		{"empty key expression", &strata.Options{}, "KeyExpr", strata.ErrInvalidKey},
		{"invalid key expression", &strata.Options{KeyExpr: "a//b"}, `"a//b"`, strata.ErrInvalidKey},
		{"wild strip prefix", &strata.Options{KeyExpr: "a/**", StripPrefix: "a/*"}, "StripPrefix", strata.ErrInvalidKey},
		{"strip prefix not a chunk prefix", &strata.Options{KeyExpr: "demo/**", StripPrefix: "dem"}, "not a literal chunk prefix", nil},
		{"strip prefix past the literal part", &strata.Options{KeyExpr: "demo/*/x", StripPrefix: "demo/a"}, "not a literal chunk prefix", nil},
		{"strip prefix with sub-chunk wildcard", &strata.Options{KeyExpr: "de$*/x", StripPrefix: "de"}, "not a literal chunk prefix", nil},
		{"negative lifespan", &strata.Options{KeyExpr: "a/**", TombstoneLifespan: -1}, "TombstoneLifespan", nil},
		{"negative value size", &strata.Options{KeyExpr: "a/**", MaxValueSize: -1}, "MaxValueSize", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := strata.Open(bg, memory.New(), tc.opts)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
			require.True(t, strings.HasPrefix(err.Error(), "strata:"), err.Error())
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
		})
	}
	_, err := strata.Open(bg, nil, &strata.Options{KeyExpr: "a"})
	require.Error(t, err)

	s, err := strata.Open(bg, memory.New(), &strata.Options{KeyExpr: "**/*", StripPrefix: ""})
	require.NoError(t, err)
	require.Equal(t, "*/**", s.KeyExpr(), "the key expression is canonized")
	require.NoError(t, s.Close(bg))
}

func TestPutGet(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	for _, k := range []string{"demo/b", "demo/a/x", "demo/a", "demo"} {
		ts, err := f.store.Put(bg, k, []byte("v:"+k))
		require.NoError(t, err)
		require.False(t, ts.IsZero())
		require.Equal(t, f.clock.ID(), ts.ID)
	}
	require.Equal(t, map[string]string{"demo/a/x": "v:demo/a/x"}, f.get("demo/a/x"))
	require.Equal(t, []string{"demo", "demo/a", "demo/a/x", "demo/b"}, f.keys("demo/**"),
		"a wildcard get yields in key order and never matches verbatim chunks")
	_, err := f.store.Put(bg, "demo/c/@v/1", nil)
	require.ErrorIs(t, err, strata.ErrOutOfScope, "** never matches a verbatim chunk")
	require.Equal(t, []string{"demo/a", "demo/b"}, f.keys("demo/*"))
	require.Equal(t, []string{"demo/a/x"}, f.keys("demo/a/*"))
	require.Equal(t, []string{"demo/a", "demo/a/x"}, f.keys("demo/a/**"))
	require.Empty(t, f.keys("other/**"), "a selector outside the key space")
	require.Empty(t, f.keys("demo/zzz"))

	var n int
	for _, err := range f.store.Get(bg, "demo/**") {
		require.NoError(t, err)
		n++
		if n == 2 {
			break
		}
	}
	require.Equal(t, 2, n)
}

func TestStripPrefix(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/example/**", StripPrefix: "demo/example"})
	_, err := f.store.Put(bg, "demo/example", []byte("root"))
	require.NoError(t, err)
	_, err = f.store.Put(bg, "demo/example/a/b", []byte("ab"))
	require.NoError(t, err)

	var keys []string
	for it, err := range f.be.Scan(bg, "", nil) {
		require.NoError(t, err)
		keys = append(keys, it.Key)
	}
	require.Equal(t, []string{"", "a/b"}, keys, "backend keys are stripped; the prefix itself is the empty key")
	require.Equal(t, map[string]string{"demo/example": "root", "demo/example/a/b": "ab"}, f.get("demo/**"))
	require.Equal(t, map[string]string{"demo/example": "root"}, f.get("demo/example"))
	require.Equal(t, map[string]string{"demo/example/a/b": "ab"}, f.get("demo/example/a/*"))
	require.Equal(t, map[string]string{"demo/example/a/b": "ab"}, f.get("*/*/a/b"))
	require.Empty(t, f.get("demo/examples/**"))

	_, err = f.store.Put(bg, "demo/examples/x", nil)
	require.ErrorIs(t, err, strata.ErrOutOfScope)
}

func TestLastWriterWins(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "k/**"})
	steps := []struct {
		smp  strata.Sample
		want strata.Result
		get  string // value after the step, "-" for none
	}{
		{put("k/1", "a", f.ts(10, 2)), strata.Inserted, "a"},
		{put("k/1", "older", f.ts(5, 2)), strata.Outdated, "a"},
		{put("k/1", "same", f.ts(10, 2)), strata.Outdated, "a"},
		{put("k/1", "lower id", f.ts(10, 1)), strata.Outdated, "a"},
		{put("k/1", "higher id", f.ts(10, 3)), strata.Replaced, "higher id"},
		{put("k/1", "b", f.ts(20, 2)), strata.Replaced, "b"},
		{del("k/1", f.ts(15, 2)), strata.Outdated, "b"},
		{del("k/1", f.ts(30, 2)), strata.Deleted, "-"},
		{put("k/1", "resurrect", f.ts(25, 2)), strata.Outdated, "-"},
		{put("k/1", "", f.ts(25, 9)), strata.Outdated, "-"},
		{del("k/1", f.ts(30, 2)), strata.Outdated, "-"},
		{put("k/1", "c", f.ts(40, 2)), strata.Inserted, "c"},
		{del("k/never", f.ts(50, 2)), strata.Deleted, "-"},
		{put("k/never", "late", f.ts(45, 2)), strata.Outdated, "-"},
	}
	for i, st := range steps {
		require.Equal(t, st.want, f.apply(st.smp), "step %d: %s %s", i, st.smp.Kind, st.smp.Key)
		got := f.get(st.smp.Key)
		if st.get == "-" {
			require.Empty(t, got, "step %d", i)
		} else {
			require.Equal(t, st.get, got[st.smp.Key], "step %d", i)
		}
	}
	// The clock learned the timestamps it accepted: a Put comes after all.
	ts, err := f.store.Put(bg, "k/1", []byte("local"))
	require.NoError(t, err)
	require.Positive(t, ts.Compare(f.ts(50, 2)))
	require.Equal(t, uint64(8), f.store.Stats().Outdated)
}

func TestApplyStampsZeroTimestamp(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "k/**"})
	smp := put("k/x", "v", hlc.Timestamp{})
	smp.Encoding = "application/json"
	require.Equal(t, strata.Inserted, f.apply(smp))
	for got, err := range f.store.Get(bg, "k/x") {
		require.NoError(t, err)
		require.Equal(t, "application/json", got.Encoding)
		require.Equal(t, f.clock.ID(), got.Timestamp.ID)
	}
}

func TestErrors(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**", MaxValueSize: 10})
	check := func(err error, want error, key string) {
		t.Helper()
		require.ErrorIs(t, err, want)
		require.True(t, strings.HasPrefix(err.Error(), "strata:"), err.Error())
		require.Contains(t, err.Error(), key)
	}
	_, err := f.store.Put(bg, "demo//x", nil)
	check(err, strata.ErrInvalidKey, "demo//x")
	require.ErrorIs(t, err, keyexpr.ErrInvalid)
	_, err = f.store.Put(bg, "demo/*", nil)
	check(err, strata.ErrInvalidKey, "demo/*")
	_, err = f.store.Put(bg, "demo/a#b", nil)
	check(err, strata.ErrInvalidKey, "demo/a#b")
	_, err = f.store.Put(bg, "elsewhere/x", nil)
	check(err, strata.ErrOutOfScope, "elsewhere/x")
	_, err = f.store.Delete(bg, "elsewhere/**")
	check(err, strata.ErrOutOfScope, "elsewhere/**")
	_, err = f.store.Delete(bg, "demo/a$b")
	check(err, strata.ErrInvalidKey, "demo/a$b")
	_, err = f.store.Put(bg, "demo/big", bytes.Repeat([]byte("x"), 11))
	check(err, strata.ErrTooLarge, "demo/big")
	_, err = f.store.Apply(bg, strata.Sample{Key: "demo/k", Kind: 7})
	check(err, strata.ErrInvalidSample, "demo/k")
	_, err = f.store.Apply(bg, strata.Sample{Key: "demo/*", Kind: strata.KindPut})
	check(err, strata.ErrInvalidSample, "demo/*")
	_, err = f.store.Apply(bg, strata.Sample{Key: "demo/k", Kind: strata.KindPut, Timestamp: hlc.Timestamp{Time: 99}})
	check(err, strata.ErrInvalidSample, "demo/k")
	_, err = f.store.Apply(bg, strata.Sample{Key: "demo/k", Kind: strata.KindPut, Encoding: strings.Repeat("e", backend.MaxEncodingLen+1)})
	check(err, strata.ErrInvalidSample, "demo/k")

	future := hlc.Timestamp{Time: hlc.FromTime(f.time.Now().Add(2 * hlc.DefaultMaxDelta)), ID: hlc.ID{7}}
	r, err := f.store.Apply(bg, put("demo/future", "x", future))
	check(err, hlc.ErrDrift, "demo/future")
	require.Equal(t, strata.Outdated, r)
	require.Equal(t, uint64(1), f.store.Stats().Refused)
	require.Empty(t, f.get("demo/future"))

	for _, err := range f.store.Get(bg, "demo/**/#") {
		check(err, strata.ErrInvalidKey, "demo/**/#")
	}
}

func TestReadOnly(t *testing.T) {
	be := keepOpen{memory.New()}
	rw, err := strata.Open(bg, be, &strata.Options{KeyExpr: "a/**"})
	require.NoError(t, err)
	_, err = rw.Put(bg, "a/x", []byte("1"))
	require.NoError(t, err)
	require.NoError(t, rw.Close(bg))

	ro, err := strata.Open(bg, be, &strata.Options{KeyExpr: "a/**", ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close(bg)
	_, err = ro.Put(bg, "a/y", nil)
	require.ErrorIs(t, err, strata.ErrReadOnly)
	_, err = ro.Delete(bg, "a/**")
	require.ErrorIs(t, err, strata.ErrReadOnly)
	_, err = ro.Apply(bg, put("a/y", "v", hlc.Timestamp{}))
	require.ErrorIs(t, err, strata.ErrReadOnly)
	n := 0
	for smp, err := range ro.Get(bg, "a/**") {
		require.NoError(t, err)
		require.Equal(t, "1", string(smp.Value))
		n++
	}
	require.Equal(t, 1, n)
}

func TestClosed(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "a/**"})
	require.NoError(t, f.store.Close(bg))
	require.NoError(t, f.store.Close(bg), "a second Close")
	_, err := f.store.Put(bg, "a/x", nil)
	require.ErrorIs(t, err, strata.ErrClosed)
	_, err = f.store.Delete(bg, "a/x")
	require.ErrorIs(t, err, strata.ErrClosed)
	_, err = f.store.Apply(bg, put("a/x", "v", hlc.Timestamp{}))
	require.ErrorIs(t, err, strata.ErrClosed)
	for _, err := range f.store.Get(bg, "a/**") {
		require.ErrorIs(t, err, strata.ErrClosed)
	}
	_, err = f.store.CollectGarbage(bg)
	require.ErrorIs(t, err, strata.ErrClosed)
	_, err = f.be.Get(bg, "x")
	require.ErrorIs(t, err, backend.ErrClosed, "Close closes the backend")
}

func TestReopenChecksConfig(t *testing.T) {
	be := keepOpen{memory.New()}
	s, err := strata.Open(bg, be, &strata.Options{KeyExpr: "demo/**", StripPrefix: "demo"})
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))
	for _, opts := range []strata.Options{
		{KeyExpr: "demo/**"},
		{KeyExpr: "demo/a/**", StripPrefix: "demo"},
	} {
		_, err = strata.Open(bg, be, &opts)
		require.ErrorIs(t, err, strata.ErrIncompatible)
		require.Contains(t, err.Error(), "keyexpr demo/**")
	}
	s, err = strata.Open(bg, be, &strata.Options{KeyExpr: "demo/**", StripPrefix: "demo"})
	require.NoError(t, err)
	require.NoError(t, s.Close(bg))

	require.NoError(t, be.PutMeta(bg, "strata/wildcard-deletes", []byte("garbage")))
	_, err = strata.Open(bg, be, &strata.Options{KeyExpr: "demo/**", StripPrefix: "demo"})
	require.ErrorIs(t, err, backend.ErrCorrupt)
}

func TestStats(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "s/**"})
	for i := range 3 {
		_, err := f.store.Put(bg, fmt.Sprintf("s/%d", i), []byte("abcd"))
		require.NoError(t, err)
	}
	_, err := f.store.Delete(bg, "s/0")
	require.NoError(t, err)
	_, err = f.store.Delete(bg, "s/*")
	require.NoError(t, err)
	f.get("s/**")
	st := f.store.Stats()
	require.Equal(t, uint64(3), st.Puts)
	require.Equal(t, uint64(12), st.BytesWritten)
	require.Equal(t, uint64(4), st.Deletes, "one tombstone, then three by the wildcard delete (older tombstones take its timestamp)")
	require.Equal(t, uint64(1), st.WildcardDeletes)
	require.Equal(t, uint64(1), st.Gets)
}

func TestVerbatimKeys(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/*/@v/**"})
	_, err := f.store.Put(bg, "demo/c/@v/1", []byte("x"))
	require.NoError(t, err)
	require.Equal(t, []string{"demo/c/@v/1"}, f.keys("demo/*/@v/*"))
	require.Empty(t, f.keys("demo/*/*/*"), "* never matches a verbatim chunk")
}

func TestCloseGivesUpWithContext(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "c/**"})
	_, err := f.store.Put(bg, "c/1", []byte("v"))
	require.NoError(t, err)
	next, stop := iter.Pull2(f.store.Get(bg, "c/**"))
	_, _, ok := next() // a Get loop in flight
	require.True(t, ok)
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	err = f.store.Close(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	_, err = f.store.Put(bg, "c/2", nil)
	require.ErrorIs(t, err, strata.ErrClosed, "closed for new operations")
	_, err = f.be.Stat(bg, "c/1")
	require.NoError(t, err, "the backend stays open while the loop runs")
	stop()
	require.Eventually(t, func() bool {
		_, err := f.be.Stat(bg, "c/1")
		return errors.Is(err, backend.ErrClosed)
	}, 5*time.Second, time.Millisecond, "the backend is closed when the loop ends")
	require.NoError(t, f.store.Close(bg))
}

func TestVerbatimChunkWithDollarStarIsAKey(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "x/@a$*/**"})
	for _, k := range []string{"x/@a$*", "x/@a$*/k"} {
		_, err := f.store.Put(bg, k, []byte("v"))
		require.NoError(t, err, "a '$*' in a verbatim chunk is text: %s is concrete", k)
	}
	require.Equal(t, map[string]string{"x/@a$*": "v"}, f.get("x/@a$*"))
	require.Equal(t, map[string]string{"x/@a$*": "v", "x/@a$*/k": "v"}, f.get("x/@a$*/**"))
	_, err := f.store.Delete(bg, "x/@a$*")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"x/@a$*/k": "v"}, f.get("x/@a$*/**"))
	_, err = f.store.Delete(bg, "x/@a$*/*")
	require.NoError(t, err)
	require.Empty(t, f.get("x/@a$*/**"))
}
