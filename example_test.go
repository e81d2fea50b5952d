// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"fmt"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

// exampleClock is a clock frozen at a fixed time, so that the examples
// print the same timestamps on every run.
func exampleClock() *hlc.Clock {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return hlc.NewClock(&hlc.Options{ID: hlc.ID{0xa}, Now: func() time.Time { return at }})
}

func ExampleOpen() {
	ctx := context.Background()
	store, err := strata.Open(ctx, memory.New(), &strata.Options{
		KeyExpr:     "demo/example/**",
		StripPrefix: "demo/example",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close(ctx)
	fmt.Println("serving", store.KeyExpr())

	_, err = strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**", StripPrefix: "dem"})
	fmt.Println(err)
	// Output:
	// serving demo/example/**
	// strata: options: StripPrefix "dem" is not a literal chunk prefix of KeyExpr "demo/**"
}

func ExampleStore_Put() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**", Clock: exampleClock()})
	defer store.Close(ctx)

	ts, _ := store.Put(ctx, "demo/robot/1/pose", []byte(`{"x":1}`))
	fmt.Println("stored at", ts)
	_, err := store.Put(ctx, "other/key", []byte("x"))
	fmt.Println(err)
	// Output:
	// stored at 7590176156653977600/a
	// strata: put "other/key": key out of scope "demo/**"
}

func ExampleStore_Get() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "fleet/**"})
	defer store.Close(ctx)
	for _, k := range []string{"fleet/robot/2/pose", "fleet/robot/1/pose", "fleet/robot/1/battery", "fleet/dock/1"} {
		store.Put(ctx, k, []byte("value of "+k))
	}

	for smp, err := range store.Get(ctx, "fleet/robot/*/pose") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s = %s\n", smp.Key, smp.Value)
	}
	// Output:
	// fleet/robot/1/pose = value of fleet/robot/1/pose
	// fleet/robot/2/pose = value of fleet/robot/2/pose
}

func ExampleStore_Apply() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**", Clock: exampleClock()})
	defer store.Close(ctx)

	// Samples from the network carry their own timestamps.
	t1, _ := hlc.Parse("7590176156653977600/1")
	t2, _ := hlc.Parse("7590176156653977616/1")
	r, _ := store.Apply(ctx, strata.Sample{Key: "demo/a", Value: []byte("new"), Timestamp: t2, Kind: strata.KindPut})
	fmt.Println(r)
	r, _ = store.Apply(ctx, strata.Sample{Key: "demo/a", Value: []byte("late"), Timestamp: t1, Kind: strata.KindPut})
	fmt.Println(r)
	// Output:
	// inserted
	// outdated
}

func ExampleStore_Watch() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**"})
	defer store.Close(ctx)

	stop := store.Watch(func(smp strata.Sample) {
		fmt.Println(smp.Kind, smp.Key)
	})
	defer stop()
	store.Put(ctx, "demo/a", []byte("1"))
	store.Put(ctx, "demo/b", []byte("2"))
	store.Delete(ctx, "demo/*")
	// Output:
	// put demo/a
	// put demo/b
	// delete demo/*
	// delete demo/a
	// delete demo/b
}

func ExampleStore_Delete() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**"})
	defer store.Close(ctx)
	store.Put(ctx, "demo/a/1", []byte("1"))
	store.Put(ctx, "demo/b/1", []byte("2"))

	ts, _ := store.Delete(ctx, "demo/a/**")
	// A sample older than the wildcard delete, arriving late, stays deleted.
	late := ts
	late.Time -= 16
	r, _ := store.Apply(ctx, strata.Sample{Key: "demo/a/2", Value: []byte("stale"), Timestamp: late, Kind: strata.KindPut})
	fmt.Println("late sample:", r)
	for smp := range store.Get(ctx, "demo/**") {
		fmt.Println("left:", smp.Key)
	}
	// Output:
	// late sample: outdated
	// left: demo/b/1
}
