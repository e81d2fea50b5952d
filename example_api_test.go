// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
)

func ExampleStore_PutEncoded() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**"})
	defer store.Close(ctx)
	store.PutEncoded(ctx, "demo/robot/1/pose", []byte(`{"x":1}`), "application/json")
	store.PutEncoded(ctx, "demo/robot/1/name", []byte("Rosie"), "text/plain;charset=utf-8")

	for smp, err := range store.Get(ctx, "demo/robot/1/*") {
		fmt.Println(smp.Key, smp.Encoding, string(smp.Value), err)
	}
	// Output:
	// demo/robot/1/name text/plain;charset=utf-8 Rosie <nil>
	// demo/robot/1/pose application/json {"x":1} <nil>
}

func ExampleStore_Lookup() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**"})
	defer store.Close(ctx)
	store.Put(ctx, "demo/robot/1", []byte(`{"x":1}`))

	smp, err := store.Lookup(ctx, "demo/robot/1")
	fmt.Println(string(smp.Value), err)

	store.Delete(ctx, "demo/robot/1")
	_, err = store.Lookup(ctx, "demo/robot/1")
	fmt.Println(errors.Is(err, strata.ErrNotFound), err)
	// Output:
	// {"x":1} <nil>
	// true strata: lookup "demo/robot/1": not found
}

func ExampleStore_Subscribe() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**"})
	defer store.Close(ctx)

	// The subscription is registered when Subscribe returns; usually the
	// loop runs in a goroutine of its own.
	changes := store.Subscribe(ctx, "demo/robot/*")
	store.Put(ctx, "demo/robot/1", []byte("docked"))
	store.Put(ctx, "demo/dock/1", []byte("free")) // not matched
	store.Delete(ctx, "demo/**")                  // intersects demo/robot/*

	n := 0
	for smp, err := range changes {
		if err != nil { // strata.ErrLagged, strata.ErrClosed
			fmt.Println(err)
			return
		}
		if smp.Kind == strata.KindPut {
			fmt.Println(smp.Kind, smp.Key, string(smp.Value))
		} else {
			fmt.Println(smp.Kind, smp.Key) // a key, or a wildcard delete's expression
		}
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// put demo/robot/1 docked
	// delete demo/**
	// delete demo/robot/1
}

func ExampleOpenURL() {
	ctx := context.Background()
	// Other schemes register when their package is imported:
	//   import _ "github.com/stratakv/strata/rocksdb"  // rocksdb:///var/lib/db?create=true
	//   import _ "github.com/stratakv/strata/s3"       // s3://bucket/prefix?endpoint=host:9000
	store, err := strata.OpenURL(ctx, "memory:", &strata.Options{KeyExpr: "demo/**"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close(ctx)
	fmt.Println("serving", store.KeyExpr())

	_, err = strata.OpenURL(ctx, "nosuch://bucket", &strata.Options{KeyExpr: "demo/**"})
	fmt.Println(err != nil)
	// Output:
	// serving demo/**
	// true
}
