// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/stratakv/strata"
)

type gcFlags struct {
	lifespan time.Duration
}

func init() {
	register(&command{
		name:    "gc",
		args:    "[-lifespan D] URL",
		summary: "erase expired tombstones and forget expired wildcard deletes now",
		help: `Gc collects garbage now, as a store does in the background: it erases the
tombstones, and forgets the wildcard deletes, older than the tombstone
lifespan, and prints what it removed.

The lifespan is not recorded in the store: give -lifespan if the store's
users (servers, replicas) run with another one than the default 24h. A
shorter one than theirs lets a replica that missed a delete bring the data
back.`,
		flags: func(fs *flag.FlagSet) any {
			f := &gcFlags{}
			fs.DurationVar(&f.lifespan, "lifespan", strata.DefaultTombstoneLifespan, "how long deletes are remembered")
			return f
		},
		run: runGC, min: 1, max: 1,
	})
}

func runGC(ctx context.Context, e *env, fl any, args []string) (err error) {
	f := fl.(*gcFlags)
	if f.lifespan <= 0 {
		return &usageError{msg: fmt.Sprintf("-lifespan %v: want a positive duration", f.lifespan)}
	}
	s, err := openStore(ctx, args[0], openOptions{mode: readWrite, logger: e.logger, tombstoneLifespan: f.lifespan})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	res, err := s.CollectGarbage(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "erased %d tombstones, forgot %d wildcard deletes\n", res.Tombstones, res.Wildcards)
	return nil
}
