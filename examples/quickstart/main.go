// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Command quickstart shows a strata Store on the in-memory backend: puts,
// a wildcard get, a wildcard delete, and a late, stale sample that the
// store refuses because a newer delete already covers its key.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.SetFlags(0)
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer) error {
	store, err := strata.Open(ctx, memory.New(), &strata.Options{
		KeyExpr:     "demo/fleet/**",
		StripPrefix: "demo/fleet",
	})
	if err != nil {
		return err
	}
	defer store.Close(ctx)

	fmt.Fprintln(out, "== a store serving", store.KeyExpr())
	stop := store.Watch(func(smp strata.Sample) {
		fmt.Fprintf(out, "   watch: %-6s %s\n", smp.Kind, smp.Key)
	})
	defer stop()

	fmt.Fprintln(out, "\n== put four samples")
	var first hlc.Timestamp
	for i, kv := range [][2]string{
		{"demo/fleet/robot/1/pose", `{"x":1.0,"y":2.0}`},
		{"demo/fleet/robot/2/pose", `{"x":5.5,"y":0.5}`},
		{"demo/fleet/robot/1/battery", `87`},
		{"demo/fleet/dock/1/status", `"free"`},
	} {
		ts, err := store.Put(ctx, kv[0], []byte(kv[1]))
		if err != nil {
			return err
		}
		if i == 0 {
			first = ts
		}
	}

	fmt.Fprintln(out, "\n== get demo/fleet/robot/*/pose")
	if err := printGet(ctx, out, store, "demo/fleet/robot/*/pose"); err != nil {
		return err
	}

	fmt.Fprintln(out, "\n== delete demo/fleet/robot/** (a wildcard delete)")
	if _, err := store.Delete(ctx, "demo/fleet/robot/**"); err != nil {
		return err
	}

	fmt.Fprintln(out, "\n== a stale sample arrives late, stamped before the delete")
	stale := strata.Sample{
		Key:       "demo/fleet/robot/1/pose",
		Value:     []byte(`{"x":0.0,"y":0.0}`),
		Timestamp: hlc.Timestamp{Time: first.Time + 1, ID: hlc.ID{0x42}},
		Kind:      strata.KindPut,
	}
	res, err := store.Apply(ctx, stale)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   apply %s: %s (the delete is newer, so the key stays deleted)\n", stale.Key, res)

	fmt.Fprintln(out, "\n== a fresh sample from another node is accepted")
	fresh := strata.Sample{Key: "demo/fleet/robot/3/pose", Value: []byte(`{"x":9.0,"y":9.0}`), Kind: strata.KindPut}
	if res, err = store.Apply(ctx, fresh); err != nil {
		return err
	}
	fmt.Fprintf(out, "   apply %s: %s\n", fresh.Key, res)

	fmt.Fprintln(out, "\n== get demo/fleet/**")
	if err := printGet(ctx, out, store, "demo/fleet/**"); err != nil {
		return err
	}

	_, err = store.Put(ctx, "elsewhere/key", []byte("x"))
	fmt.Fprintf(out, "\n== a key outside the store is refused:\n   %v\n", err)

	st := store.Stats()
	fmt.Fprintf(out, "\n== stats: %d puts, %d deletes (%d wildcard), %d outdated\n",
		st.Puts, st.Deletes, st.WildcardDeletes, st.Outdated)
	return nil
}

func printGet(ctx context.Context, out io.Writer, store *strata.Store, selector string) error {
	for smp, err := range store.Get(ctx, selector) {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   %-28s = %s\n", smp.Key, smp.Value)
	}
	return nil
}
