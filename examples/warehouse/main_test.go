// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/internal/testenv"
)

// TestWarehouse runs the scenario against the test environment's MinIO.
func TestWarehouse(t *testing.T) {
	srv := testenv.S3(t)
	cfg, err := parseFlags([]string{"-s3-endpoint", srv.Endpoint, "-s3-access-key", srv.AccessKey,
		"-phase", "1s", "-tick", "50ms"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "http://"+srv.Endpoint, cfg.endpoint)
	cfg.secretKey = srv.SecretKey

	var out bytes.Buffer
	rep, err := run(context.Background(), cfg, &out, slog.New(slog.DiscardHandler))
	require.NoError(t, err, out.String())
	t.Logf("\n%s", out.String())

	// 20 ticks of 6 robots' poses, and 4 of their battery levels; then 5
	// robots, and two missions done.
	require.Equal(t, [2]int{20*6 + 4*6, 20*5 + 4*5 + 2}, rep.edgeWrites)
	require.Equal(t, [2]int{6 + 1, 4}, rep.cloudWrites)
	// Robot 3's pose, battery and mission are gone at the cloud; the
	// edge's poses, battery levels and missions are newer; the cloud
	// remembers the decommission.
	require.Equal(t, 3, rep.atHeal.onlyA)
	require.Zero(t, rep.atHeal.onlyB)
	require.Equal(t, 1, rep.atHeal.wildB)
	require.Positive(t, rep.atHeal.changed)
	require.Equal(t, 5*3+1, rep.keys)
	require.Equal(t, [2]string{"charge", "done"}, rep.missions)
	require.Positive(t, rep.healConverge)
	for _, want := range []string{"link cut", "decommissions robot 3", "link healed", "after healing: 16 keys, identical", "checked"} {
		require.Contains(t, out.String(), want)
	}
}

func TestCompare(t *testing.T) {
	ctx := context.Background()
	open := func() *strata.Store {
		s, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: keyExpr, StripPrefix: stripPrefix,
			GCInterval: -1, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close(ctx) })
		return s
	}
	a, b := open(), open()
	put := func(s *strata.Store, key, value string) strata.Sample {
		_, err := s.Put(ctx, key, []byte(value))
		require.NoError(t, err)
		smp, err := s.Lookup(ctx, key)
		require.NoError(t, err)
		return smp
	}
	apply := func(s *strata.Store, smp strata.Sample) {
		_, err := s.Apply(ctx, smp)
		require.NoError(t, err)
	}
	apply(b, put(a, "warehouse/a", "1"))
	d, err := compare(ctx, a, b)
	require.NoError(t, err)
	require.True(t, d.equal(), d.String())
	require.Equal(t, "none: 1 keys on each side", d.String())

	x := put(a, "warehouse/x", "only a")
	y := put(b, "warehouse/y", "only b")
	put(b, "warehouse/a", "2")
	ts, err := a.Delete(ctx, "warehouse/z/**")
	require.NoError(t, err)
	d, err = compare(ctx, a, b)
	require.NoError(t, err)
	require.False(t, d.equal())
	require.Equal(t, difference{keys: 2, onlyA: 1, onlyB: 1, changed: 1, wildA: 1,
		firstKey: "warehouse/a", firstAt: "both, different"}, d)
	require.Equal(t, "1 key only at the edge, 1 key only at the cloud, 1 key with different samples, "+
		"1 wildcard delete only at the edge (first: warehouse/a, at both, different)", d.String())

	_, _, err = converge(ctx, a, b, 50*time.Millisecond)
	require.ErrorContains(t, err, "not converged after 50ms: 1 key only at the edge")

	// Once each has what the other had, they are equal.
	apply(b, x)
	apply(a, y)
	bA, err := b.Lookup(ctx, "warehouse/a")
	require.NoError(t, err)
	apply(a, bA)
	apply(b, strata.Sample{Key: "warehouse/z/**", Kind: strata.KindDelete, Timestamp: ts})
	d, err = compare(ctx, a, b)
	require.NoError(t, err)
	require.True(t, d.equal(), d.String())
	require.Equal(t, 3, d.keys)
}

func TestParseFlags(t *testing.T) {
	t.Setenv("STRATA_S3_ENDPOINT", "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	t.Setenv("AWS_ENDPOINT_URL", "https://s3.example")
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "https://s3.example", cfg.endpoint)
	require.True(t, strings.HasPrefix(cfg.bucket, "warehouse-"), cfg.bucket)
	require.Equal(t, time.Second, cfg.interval)

	t.Setenv("STRATA_S3_ENDPOINT", "127.0.0.1:9000")
	t.Setenv("STRATA_S3_ACCESS_KEY", "ak")
	cfg, err = parseFlags([]string{"-bucket", "b"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:9000", cfg.endpoint)
	require.Equal(t, "ak", cfg.accessKey)
	require.Equal(t, "b", cfg.bucket)

	for _, args := range [][]string{
		{"-keep"},
		{"-robots", "2"},
		{"-phase", "0s"},
		{"-phase", "1s", "-tick", "200ms"},
		{"extra"},
	} {
		_, err := parseFlags(args, io.Discard)
		require.Error(t, err, "%q", args)
	}
	t.Setenv("STRATA_S3_ENDPOINT", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	_, err = parseFlags(nil, io.Discard)
	require.ErrorContains(t, err, "make warehouse")
}
