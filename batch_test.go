// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

// batchCounter counts the batches a backend is asked to write.
type batchCounter struct {
	*memory.Backend
	batches, ops int
}

func (b *batchCounter) WriteBatch(ctx context.Context, ops []backend.Op) error {
	b.batches++
	b.ops += len(ops)
	return b.Backend.WriteBatch(ctx, ops)
}

func TestApplyBatchEqualsApply(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 1))
		one := open(t, strata.Options{KeyExpr: "b/**"})
		bc := &batchCounter{Backend: memory.New()}
		batched, err := strata.Open(bg, bc, &strata.Options{KeyExpr: "b/**", Clock: newClock(one.time, 1), GCInterval: -1})
		require.NoError(t, err)

		var samples []strata.Sample
		for range 200 {
			key := fmt.Sprintf("b/%d/%d", r.IntN(3), r.IntN(6))
			ts := one.ts(r.IntN(1000), byte(1+r.IntN(3)))
			switch r.IntN(20) {
			case 0:
				samples = append(samples, del(fmt.Sprintf("b/%d/*", r.IntN(3)), ts))
			case 1, 2:
				samples = append(samples, del(key, ts))
			default:
				samples = append(samples, put(key, ts.String(), ts))
			}
		}
		var want []strata.Result
		var watchedOne, watchedBatch []string
		one.store.Watch(func(s strata.Sample) { watchedOne = append(watchedOne, s.Key+"@"+s.Timestamp.String()) })
		batched.Watch(func(s strata.Sample) { watchedBatch = append(watchedBatch, s.Key+"@"+s.Timestamp.String()) })
		for _, smp := range samples {
			want = append(want, one.apply(smp))
		}
		got, err := batched.ApplyBatch(bg, samples)
		require.NoError(t, err)
		require.Equal(t, want, got, "seed %d", seed)
		require.Equal(t, watchedOne, watchedBatch, "seed %d: the same changes, in the same order", seed)
		require.Less(t, bc.batches, 30, "seed %d: concrete samples are written in batches", seed)

		state := func(s *strata.Store) []strata.Sample {
			var out []strata.Sample
			for smp, err := range s.Scan(bg, "b/**", &strata.ScanOptions{Tombstones: true}) {
				require.NoError(t, err)
				out = append(out, smp)
			}
			return out
		}
		require.Equal(t, state(one.store), state(batched), "seed %d", seed)
		require.NoError(t, batched.Close(bg))
	}
}

func TestApplyBatchRefusals(t *testing.T) {
	f := open(t, strata.Options{KeyExpr: "b/**"})
	future := hlc.Timestamp{Time: hlc.FromTime(f.time.Now()) + hlc.FromDuration(hlc.DefaultMaxDelta)*4, ID: hlc.ID{5}}
	res, err := f.store.ApplyBatch(bg, []strata.Sample{
		put("b/ok", "1", f.ts(1, 2)),
		put("elsewhere", "x", f.ts(1, 2)),
		put("b//bad", "x", f.ts(1, 2)),
		put("b/future", "x", future),
		put("b/ok2", "2", f.ts(2, 2)),
	})
	var be *strata.BatchError
	require.ErrorAs(t, err, &be)
	require.Len(t, be.Errs, 3)
	require.ErrorIs(t, be.Errs[1], strata.ErrOutOfScope)
	require.ErrorIs(t, be.Errs[2], strata.ErrInvalidKey)
	require.ErrorIs(t, be.Errs[3], hlc.ErrDrift)
	require.ErrorIs(t, err, strata.ErrOutOfScope)
	require.Contains(t, err.Error(), "3 samples refused")
	require.Equal(t, []strata.Result{strata.Inserted, strata.Outdated, strata.Outdated, strata.Outdated, strata.Inserted}, res)
	require.Equal(t, map[string]string{"b/ok": "1", "b/ok2": "2"}, f.get("b/**"))

	require.NoError(t, f.store.Close(bg))
	_, err = f.store.ApplyBatch(bg, nil)
	require.True(t, errors.Is(err, strata.ErrClosed))
}

func TestWildcardDeleteWritesTombstonesInBatches(t *testing.T) {
	bc := &batchCounter{Backend: memory.New()}
	s, err := strata.Open(bg, bc, &strata.Options{KeyExpr: "w/**", GCInterval: -1})
	require.NoError(t, err)
	defer s.Close(bg)
	samples := make([]strata.Sample, 1000)
	for i := range samples {
		samples[i] = strata.Sample{Key: fmt.Sprintf("w/%04d", i), Value: []byte("v"), Kind: strata.KindPut}
	}
	_, err = s.ApplyBatch(bg, samples)
	require.NoError(t, err)
	require.Equal(t, 1, bc.batches)
	_, err = s.Delete(bg, "w/*")
	require.NoError(t, err)
	require.Equal(t, 1+4, bc.batches, "1,000 tombstones in pages of 256")
	require.Equal(t, 2000, bc.ops)
	for range s.Get(bg, "w/**") {
		t.Fatal("a key survived the wildcard delete")
	}
}
