// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
)

func TestLookup(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	ts, err := s.Put(bg, "demo/a", []byte("1"))
	require.NoError(t, err)
	r := f.apply(strata.Sample{Key: "demo/json", Value: []byte(`{}`), Encoding: "application/json", Timestamp: f.ts(5, 2), Kind: strata.KindPut})
	require.Equal(t, strata.Inserted, r)

	smp, err := s.Lookup(bg, "demo/a")
	require.NoError(t, err)
	require.Equal(t, strata.Sample{Key: "demo/a", Value: []byte("1"), Timestamp: ts, Kind: strata.KindPut}, smp)

	smp, err = s.Lookup(bg, "demo/json")
	require.NoError(t, err)
	require.Equal(t, "application/json", smp.Encoding)
	require.Equal(t, f.ts(5, 2), smp.Timestamp)

	// The value belongs to the caller.
	smp.Value[0] = 'X'
	again, err := s.Lookup(bg, "demo/json")
	require.NoError(t, err)
	require.Equal(t, `{}`, string(again.Value))

	_, err = s.Lookup(bg, "demo/missing")
	require.ErrorIs(t, err, strata.ErrNotFound)
	require.Equal(t, `strata: lookup "demo/missing": not found`, err.Error())

	_, err = s.Delete(bg, "demo/a")
	require.NoError(t, err)
	_, err = s.Lookup(bg, "demo/a")
	require.ErrorIs(t, err, strata.ErrNotFound)
}

func TestLookupOneBackendRead(t *testing.T) {
	rec := &recorder{Backend: memory.New()}
	s, err := strata.Open(bg, rec, &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(bg) })
	_, err = s.Put(bg, "demo/a", []byte("1"))
	require.NoError(t, err)

	rec.gets, rec.prefixes = 0, nil
	_, err = s.Lookup(bg, "demo/a")
	require.NoError(t, err)
	_, err = s.Lookup(bg, "demo/b")
	require.ErrorIs(t, err, strata.ErrNotFound)
	require.Equal(t, 2, rec.gets)
	require.Empty(t, rec.prefixes, "Lookup must not scan")
}

func TestLookupWildcardDelete(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	f.apply(put("demo/x/new", "after", f.ts(20, 2)))
	f.apply(del("demo/x/**", f.ts(10, 2)))

	// A value newer than the wildcard delete is live.
	smp, err := s.Lookup(bg, "demo/x/new")
	require.NoError(t, err)
	require.Equal(t, "after", string(smp.Value))

	// A value older than a remembered wildcard delete that covers it is
	// deleted, even when the backend still holds it (written behind the
	// store's back, as another process or a restore might).
	require.NoError(t, f.be.Put(bg, "demo/x/old", backend.Entry{Value: []byte("before"), Timestamp: f.ts(5, 2)}))
	_, err = s.Lookup(bg, "demo/x/old")
	require.ErrorIs(t, err, strata.ErrNotFound)
	require.Empty(t, f.get("demo/x/old"), "Get and Lookup must agree")

	// Outside the wildcard delete's expression the same entry is live.
	require.NoError(t, f.be.Put(bg, "demo/y/old", backend.Entry{Value: []byte("before"), Timestamp: f.ts(5, 2)}))
	smp, err = s.Lookup(bg, "demo/y/old")
	require.NoError(t, err)
	require.Equal(t, "before", string(smp.Value))
}

func TestLookupStripPrefix(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**", StripPrefix: "demo"})
	s := f.store
	for _, key := range []string{"demo", "demo/a", "demo/a/b"} {
		_, err := s.Put(bg, key, []byte("v "+key))
		require.NoError(t, err)
	}
	for _, key := range []string{"demo", "demo/a", "demo/a/b"} {
		smp, err := s.Lookup(bg, key)
		require.NoError(t, err, key)
		require.Equal(t, key, smp.Key)
		require.Equal(t, "v "+key, string(smp.Value))
	}
	e, err := f.be.Get(bg, "")
	require.NoError(t, err)
	require.Equal(t, "v demo", string(e.Value))
}

func TestLookupAgreesWithGet(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "k/**"})
	s := f.store
	keys := make([]string, 40)
	for i := range keys {
		keys[i] = fmt.Sprintf("k/%d/%d", i%4, i)
	}
	// Puts, deletes, late samples and wildcard deletes in a fixed mix.
	for i, key := range keys {
		switch i % 5 {
		case 0:
			f.apply(put(key, "a", f.ts(i+1, 3)))
		case 1:
			f.apply(put(key, "a", f.ts(i+1, 3)))
			f.apply(del(key, f.ts(i+2, 3)))
		case 2:
			f.apply(del(key, f.ts(i+2, 3)))
			f.apply(put(key, "late", f.ts(i+1, 3)))
		case 3:
			f.apply(put(key, "b", f.ts(100+i, 3)))
		}
	}
	f.apply(del("k/1/**", f.ts(90, 3)))
	for _, key := range keys {
		var want []strata.Sample
		for smp, err := range s.Get(bg, key) {
			require.NoError(t, err)
			want = append(want, smp)
		}
		smp, err := s.Lookup(bg, key)
		if len(want) == 0 {
			require.ErrorIs(t, err, strata.ErrNotFound, key)
			continue
		}
		require.NoError(t, err, key)
		require.Equal(t, want[0], smp, key)
	}
}

func TestLookupErrors(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	for _, tc := range []struct {
		key  string
		want error
	}{
		{"demo/*", strata.ErrInvalidKey},
		{"demo/**", strata.ErrInvalidKey},
		{"demo/$*", strata.ErrInvalidKey},
		{"demo//a", strata.ErrInvalidKey},
		{"", strata.ErrInvalidKey},
		{"other/a", strata.ErrOutOfScope},
	} {
		_, err := s.Lookup(bg, tc.key)
		require.ErrorIs(t, err, tc.want, tc.key)
		require.NotErrorIs(t, err, strata.ErrNotFound, tc.key)
		require.Contains(t, err.Error(), fmt.Sprintf("%q", tc.key))
	}

	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := s.Lookup(ctx, "demo/a")
	require.ErrorIs(t, err, context.Canceled)

	require.NoError(t, s.Close(bg))
	_, err = s.Lookup(bg, "demo/a")
	require.ErrorIs(t, err, strata.ErrClosed)
}

// failing is a backend whose reads and writes of keys fail with err.
type failing struct {
	backend.Backend
	err error
}

func (b failing) Get(context.Context, string) (backend.Entry, error)  { return backend.Entry{}, b.err }
func (b failing) Stat(context.Context, string) (backend.Entry, error) { return backend.Entry{}, b.err }
func (b failing) Put(context.Context, string, backend.Entry) error    { return b.err }

func TestLookupBackendError(t *testing.T) {
	boom := errors.New("disk on fire")
	s, err := strata.Open(bg, failing{memory.New(), boom}, &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(bg) })
	_, err = s.Lookup(bg, "demo/a")
	require.ErrorIs(t, err, boom)
	require.NotErrorIs(t, err, strata.ErrNotFound)
	require.Equal(t, `strata: lookup "demo/a": disk on fire`, err.Error())
}

// BenchmarkLookup compares Lookup with the raw backend Get it makes, on
// memory, alternating batches of each so that both see the same machine
// state; it reports ns per call of each and their ratio (lookup/raw, 1 is
// free). It also reports a concrete Get loop, the way to read one key
// before Lookup.
func BenchmarkLookup(b *testing.B) {
	be := memory.New()
	s, err := strata.Open(bg, be, &strata.Options{KeyExpr: "fleet/**", StripPrefix: "fleet", GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(bg) })
	preload(b, s)
	keys := make([]string, benchKeys)
	bkeys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
		bkeys[i] = keys[i][len("fleet/"):]
	}
	const batch = 64
	var lookup, raw, get time.Duration
	n := 0
	runLookup := func(off int) {
		start := time.Now()
		for j := range batch {
			if _, err := s.Lookup(bg, keys[(off+j)%benchKeys]); err != nil {
				b.Fatal(err)
			}
		}
		lookup += time.Since(start)
	}
	runRaw := func(off int) {
		start := time.Now()
		for j := range batch {
			if _, err := be.Get(bg, bkeys[(off+j)%benchKeys]); err != nil {
				b.Fatal(err)
			}
		}
		raw += time.Since(start)
	}
	runGet := func(off int) {
		start := time.Now()
		for j := range batch {
			for _, err := range s.Get(bg, keys[(off+j)%benchKeys]) {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		get += time.Since(start)
	}
	// Each run reads keys the others did not just read, and the order of
	// the runs rotates, so that no run is favoured by warm caches.
	runs := []func(int){runLookup, runRaw, runGet}
	for b.Loop() {
		for r := range runs {
			runs[(n/batch+r)%len(runs)]((n + r*333) % benchKeys)
		}
		n += batch
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(n) }
	b.ReportMetric(per(lookup), "lookup-ns/key")
	b.ReportMetric(per(raw), "raw-get-ns/key")
	b.ReportMetric(per(get), "get-loop-ns/key")
	b.ReportMetric(per(lookup)-per(raw), "overhead-ns/key")
	b.ReportMetric(per(lookup)/per(raw), "lookup/raw")
}
