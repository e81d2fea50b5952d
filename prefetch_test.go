// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

// prefetching records the keys a Store asks it to prefetch.
type prefetching struct {
	backend.Backend
	mu   sync.Mutex
	keys []string
}

func (p *prefetching) Prefetch(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, key)
}

func (p *prefetching) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.keys
	p.keys = nil
	return k
}

// A write of a concrete key asks the backend to prefetch its backend key
// (the strip prefix removed) before anything else, even a write that is
// then refused; a key too long to be valid is never handed over.
func TestStorePrefetchesWrittenKeys(t *testing.T) {
	ctx := context.Background()
	be := &prefetching{Backend: memory.New()}
	s, err := strata.Open(ctx, be, &strata.Options{KeyExpr: "fleet/**", StripPrefix: "fleet"})
	require.NoError(t, err)
	defer s.Close(ctx)
	be.take()

	_, err = s.Put(ctx, "fleet/a", []byte("v"))
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, be.take())

	_, err = s.Delete(ctx, "fleet/b")
	require.NoError(t, err)
	require.Equal(t, []string{"b"}, be.take())

	ts := hlc.NewClock(nil).Now()
	_, err = s.Apply(ctx, strata.Sample{Key: "fleet/c", Value: []byte("v"), Timestamp: ts, Kind: strata.KindPut})
	require.NoError(t, err)
	require.Equal(t, []string{"c"}, be.take())

	_, err = s.Put(ctx, "elsewhere/d", []byte("v"))
	require.ErrorIs(t, err, strata.ErrOutOfScope)
	require.Len(t, be.take(), 1, "prefetched before the key is checked")

	_, err = s.Put(ctx, "fleet/"+strings.Repeat("k", strata.MaxKeyLen), []byte("v"))
	require.Error(t, err)
	require.Empty(t, be.take())

	got, err := s.Lookup(ctx, "fleet/a")
	require.NoError(t, err)
	require.Equal(t, "v", string(got.Value), "prefetching changed nothing")
}
