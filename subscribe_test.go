// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
)

// next pulls changes from a subscription one at a time.
type next struct {
	t    *testing.T
	pull func() (strata.Sample, error, bool)
	stop func()
}

func pull(t *testing.T, seq iter.Seq2[strata.Sample, error]) *next {
	n := &next{t: t}
	p, stop := iter.Pull2(seq)
	n.pull, n.stop = p, stop
	t.Cleanup(stop)
	return n
}

// sample returns the next change, which must not be an error.
func (n *next) sample() strata.Sample {
	n.t.Helper()
	smp, err, ok := n.pull()
	require.True(n.t, ok, "the subscription ended")
	require.NoError(n.t, err)
	return smp
}

// end returns the error the subscription ends with (nil for none) and
// checks that nothing follows it.
func (n *next) end() error {
	n.t.Helper()
	_, err, ok := n.pull()
	if !ok {
		return nil
	}
	_, _, more := n.pull()
	require.False(n.t, more, "the subscription went on after an error")
	return err
}

func describe(smp strata.Sample) string {
	return fmt.Sprintf("%s %s %s", smp.Kind, smp.Key, smp.Value)
}

func TestSubscribe(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	sub := pull(t, s.Subscribe(bg, "demo/a/*"))

	value := []byte("1")
	ts, err := s.Put(bg, "demo/a/x", value)
	require.NoError(t, err)
	value[0] = 'X' // the subscription holds a copy
	_, err = s.Put(bg, "demo/b/x", []byte("unseen"))
	require.NoError(t, err)
	f.apply(strata.Sample{Key: "demo/a/y", Value: []byte("{}"), Encoding: "application/json", Timestamp: f.ts(5, 2), Kind: strata.KindPut})
	f.apply(put("demo/a/y", "outdated", f.ts(4, 2)))
	_, err = s.Delete(bg, "demo/a/x")
	require.NoError(t, err)
	_, err = s.ApplyBatch(bg, []strata.Sample{put("demo/a/z", "batched", f.ts(6, 2)), put("demo/c", "unseen", f.ts(6, 2))})
	require.NoError(t, err)

	got := sub.sample()
	require.Equal(t, strata.Sample{Key: "demo/a/x", Value: []byte("1"), Timestamp: ts, Kind: strata.KindPut}, got)
	got = sub.sample()
	require.Equal(t, strata.Sample{Key: "demo/a/y", Value: []byte("{}"), Encoding: "application/json", Timestamp: f.ts(5, 2), Kind: strata.KindPut}, got)
	require.Equal(t, "delete demo/a/x ", describe(sub.sample()))
	require.Equal(t, "put demo/a/z batched", describe(sub.sample()))
}

func TestSubscribeWildcardDeletes(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	for _, k := range []string{"demo/a/x", "demo/a/y", "demo/b/x"} {
		_, err := s.Put(bg, k, []byte("v"))
		require.NoError(t, err)
	}
	sub := pull(t, s.Subscribe(bg, "demo/a/*"))
	for _, expr := range []string{"demo/b/**", "demo/*/x", "demo/**"} {
		_, err := s.Delete(bg, expr)
		require.NoError(t, err)
	}
	var got []string
	for range 5 {
		got = append(got, describe(sub.sample()))
	}
	require.Equal(t, []string{
		// demo/b/** does not intersect demo/a/*: neither it nor its
		// tombstone of demo/b/x is yielded.
		"delete demo/*/x ",
		"delete demo/a/x ",
		"delete demo/** ",
		"delete demo/a/x ",
		"delete demo/a/y ",
	}, got)
}

func TestSubscribeOrderPerKey(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "k/**"})
	s := f.store
	const writers, perKey = 4, 300
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	seq := s.SubscribeWith(ctx, "k/**", &strata.SubscribeOptions{Buffer: 4 * writers * perKey})

	// Each writer writes increasing values to a key of its own, all of
	// which are applied, and to a key it shares with another writer, where
	// the lock of the key decides the order and some puts are outdated.
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perKey {
				for _, key := range []string{fmt.Sprintf("k/own/%d", w), fmt.Sprintf("k/shared/%d", w%2)} {
					if _, err := s.Put(bg, key, []byte(strconv.Itoa(i))); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	for w := range 2 {
		_, err := s.Put(bg, fmt.Sprintf("k/shared/%d", w), []byte("end"))
		require.NoError(t, err)
	}

	last := map[string]strata.Sample{}
	own := map[string]int{}
	ends := 0
	for smp, err := range seq {
		require.NoError(t, err)
		if prev, ok := last[smp.Key]; ok {
			require.Positive(t, smp.Timestamp.Compare(prev.Timestamp), "key %s out of order", smp.Key)
		}
		last[smp.Key] = smp
		if strings.HasPrefix(smp.Key, "k/own/") {
			require.Equal(t, strconv.Itoa(own[smp.Key]), string(smp.Value), "key %s", smp.Key)
			own[smp.Key]++
		}
		if string(smp.Value) == "end" {
			if ends++; ends == 2 {
				break
			}
		}
	}
	require.Len(t, own, writers)
	for key, n := range own {
		require.Equal(t, perKey, n, "changes of %s", key)
	}
	// The last change yielded per key is what the store holds.
	for key, smp := range last {
		stored, err := s.Lookup(bg, key)
		require.NoError(t, err)
		require.Equal(t, stored, smp)
	}
}

func TestSubscribeLags(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	const buffer = 4

	// Nobody reads: writers go on regardless, and the loop starts with
	// the lag error.
	seq := s.SubscribeWith(bg, "demo/**", &strata.SubscribeOptions{Buffer: buffer})
	for i := range 3 * buffer {
		_, err := s.Put(bg, "demo/a", []byte{byte(i)})
		require.NoError(t, err)
	}
	sub := pull(t, seq)
	err := sub.end()
	require.ErrorIs(t, err, strata.ErrLagged)
	require.Equal(t, `strata: subscribe "demo/**": subscriber lagged behind the writers: more than 4 changes waited`, err.Error())

	// A loop that stalls in its body lags once the writers overflow the
	// buffer, and is told at its next change.
	sub = pull(t, s.SubscribeWith(bg, "demo/**", &strata.SubscribeOptions{Buffer: buffer}))
	_, err = s.Put(bg, "demo/a", []byte("first"))
	require.NoError(t, err)
	require.Equal(t, "put demo/a first", describe(sub.sample()))
	for i := range buffer {
		_, err := s.Put(bg, "demo/a", []byte{byte(i)})
		require.NoError(t, err)
	}
	require.Equal(t, "put demo/a \x00", describe(sub.sample()), "a full buffer does not lag yet")
	for i := range 2 {
		_, err := s.Put(bg, "demo/a", []byte{byte(i)})
		require.NoError(t, err)
	}
	require.ErrorIs(t, sub.end(), strata.ErrLagged)
}

func TestSubscribeContext(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	ctx, cancel := context.WithCancel(bg)
	seq := s.Subscribe(ctx, "demo/**")
	_, err := s.Put(bg, "demo/a", []byte("1"))
	require.NoError(t, err)

	done := make(chan error, 1)
	seen := make(chan strata.Sample, 1)
	go func() {
		var last error
		for smp, err := range seq {
			if err != nil {
				last = err
				continue
			}
			seen <- smp
		}
		done <- last
	}()
	require.Equal(t, "put demo/a 1", describe(<-seen))
	cancel()
	require.NoError(t, <-done, "a cancelled context ends the loop without an error")

	// Subscribing with a context that has ended yields nothing.
	for _, err := range s.Subscribe(ctx, "demo/**") {
		t.Fatalf("yielded %v after the context ended", err)
	}
}

func TestSubscribeClose(t *testing.T) {
	s, err := strata.Open(bg, memory.New(), &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	require.NoError(t, err)
	seq := s.Subscribe(bg, "demo/**")
	for i := range 3 {
		_, err := s.Put(bg, "demo/a", []byte(strconv.Itoa(i)))
		require.NoError(t, err)
	}
	first := make(chan struct{})
	done := make(chan []string, 1)
	go func() {
		var got []string
		for smp, err := range seq {
			if err != nil {
				got = append(got, err.Error())
				continue
			}
			got = append(got, describe(smp))
			if len(got) == 1 {
				close(first)
			}
		}
		done <- got
	}()
	<-first
	require.NoError(t, s.Close(bg))
	require.Equal(t, []string{
		"put demo/a 0",
		"put demo/a 1",
		"put demo/a 2",
		`strata: subscribe "demo/**": store closed`,
	}, <-done)

	// Subscribing to a closed store yields ErrClosed.
	n := 0
	for _, err := range s.Subscribe(bg, "demo/**") {
		require.ErrorIs(t, err, strata.ErrClosed)
		n++
	}
	require.Equal(t, 1, n)
}

func TestSubscribeInvalid(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	for _, tc := range []struct {
		selector string
		opts     *strata.SubscribeOptions
		want     error
		msg      string
	}{
		{"demo//a", nil, strata.ErrInvalidKey, `strata: subscribe "demo//a": invalid key: `},
		{"demo/a#", nil, strata.ErrInvalidKey, `strata: subscribe "demo/a#": invalid key: `},
		{"", nil, strata.ErrInvalidKey, `strata: subscribe "": invalid key: `},
		{"other/**", nil, strata.ErrOutOfScope, `strata: subscribe "other/**": key out of scope "demo/**"`},
		{"demo/**", &strata.SubscribeOptions{Buffer: -1}, nil, `strata: subscribe "demo/**": negative SubscribeOptions.Buffer -1`},
	} {
		n := 0
		for smp, err := range s.SubscribeWith(bg, tc.selector, tc.opts) {
			require.Error(t, err, tc.selector)
			require.Zero(t, smp)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			require.Contains(t, err.Error(), tc.msg)
			n++
		}
		require.Equal(t, 1, n, "%q yields one error", tc.selector)
	}

	// A selector is canonized: **/* is */**.
	sub := pull(t, s.Subscribe(bg, "demo/**/*"))
	_, err := s.Put(bg, "demo/x", []byte("1"))
	require.NoError(t, err)
	require.Equal(t, "put demo/x 1", describe(sub.sample()))
}

func TestSubscribeOnce(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	seq := f.store.Subscribe(bg, "demo/**")
	_, err := f.store.Put(bg, "demo/a", []byte("1"))
	require.NoError(t, err)
	for smp, err := range seq {
		require.NoError(t, err)
		require.Equal(t, "put demo/a 1", describe(smp))
		break
	}
	n := 0
	for _, err := range seq {
		require.ErrorContains(t, err, "iterated already")
		n++
	}
	require.Equal(t, 1, n)
}

// BenchmarkSubscribe measures what one subscriber costs a writer: it
// alternates batches of puts to a store without subscribers, to one with a
// subscriber that matches every key (its loop drains the buffer in another
// goroutine), and to one with a subscriber that matches none, and reports
// ns per put of each and the overhead per write.
func BenchmarkSubscribe(b *testing.B) {
	value := make([]byte, 100)
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	ctx, cancel := context.WithCancel(bg)
	var loops sync.WaitGroup
	defer loops.Wait()
	defer cancel()
	stores := make([]*strata.Store, 3)
	var received, lagged [3]int
	for i, selector := range []string{"", "fleet/**", "fleet/nobody/**"} {
		stores[i] = benchStore(b)
		if selector == "" {
			continue
		}
		seq := stores[i].SubscribeWith(ctx, selector, &strata.SubscribeOptions{Buffer: 1 << 16})
		loops.Go(func() {
			for _, err := range seq {
				if err != nil {
					lagged[i]++
					return
				}
				received[i]++
			}
		})
	}
	const batch = 64
	var took [3]time.Duration
	n := 0
	for b.Loop() {
		for r := range stores {
			i := (n/batch + r) % len(stores)
			start := time.Now()
			for j := range batch {
				if _, err := stores[i].Put(bg, keys[(n+j)%benchKeys], value); err != nil {
					b.Fatal(err)
				}
			}
			took[i] += time.Since(start)
		}
		n += batch
	}
	cancel()
	loops.Wait()
	if lagged[1] > 0 {
		b.Fatalf("the subscriber lagged after %d of %d changes", received[1], n)
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(n) }
	b.ReportMetric(per(took[0]), "none-ns/put")
	b.ReportMetric(per(took[1]), "one-ns/put")
	b.ReportMetric(per(took[2]), "unmatched-ns/put")
	b.ReportMetric(per(took[1])-per(took[0]), "overhead-ns/put")
	b.ReportMetric(per(took[2])-per(took[0]), "unmatched-overhead-ns/put")
}

// TestSubscribeWhileWriting subscribes with tiny buffers while writers
// run, so that subscriptions lag as they are being registered.
func TestSubscribeWhileWriting(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "demo/**"})
	s := f.store
	ctx, cancel := context.WithCancel(bg)
	var wg sync.WaitGroup
	var puts atomic.Int64
	for w := range 2 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				if _, err := s.Put(bg, fmt.Sprintf("demo/%d", w), []byte{byte(i)}); err != nil {
					t.Error(err)
					return
				}
				puts.Add(1)
			}
		})
	}
	lagged := 0
	for range 100 {
		for _, err := range s.SubscribeWith(bg, "demo/**", &strata.SubscribeOptions{Buffer: 1}) {
			if err != nil {
				require.ErrorIs(t, err, strata.ErrLagged)
				lagged++
				continue
			}
			// Stall until the writers have overflowed the buffer.
			for start := puts.Load(); puts.Load() < start+3; {
				runtime.Gosched()
			}
		}
	}
	cancel()
	wg.Wait()
	require.Equal(t, 100, lagged, "each subscription ends with the lag error")
}
