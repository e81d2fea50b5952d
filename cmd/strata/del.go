// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&command{
		name:    "del",
		args:    "[-keyexpr EXPR] URL EXPR",
		summary: "delete a key, or every key a wildcard expression matches",
		help: `Del deletes a key, or with a wildcard expression every key it matches,
and prints the timestamp of the delete. A deleted key keeps a tombstone (see
ls -all) so that an older write arriving later cannot bring it back; a
wildcard delete is also remembered, for the store's tombstone lifespan
(24 h), against older writes to any key it matches. Quote wildcards from
the shell.

	strata del rocksdb:///tmp/db demo/a
	strata del rocksdb:///tmp/db 'demo/robot/**'`,
		flags: func(fs *flag.FlagSet) any {
			f := &storeFlags{}
			f.register(fs)
			return f
		},
		run: runDel, min: 2, max: 2,
	})
}

func runDel(ctx context.Context, e *env, fl any, args []string) (err error) {
	s, err := openStore(ctx, args[0], openOptions{mode: readWrite, flags: *fl.(*storeFlags), logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	ts, err := s.Delete(ctx, args[1])
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, ts)
	return nil
}
