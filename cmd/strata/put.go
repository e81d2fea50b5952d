// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

type putFlags struct {
	storeFlags
	encoding string
}

func init() {
	register(&command{
		name:    "put",
		args:    "[-encoding E] [-keyexpr EXPR] URL KEY VALUE",
		summary: "store a value under a key",
		help: `Put stores VALUE under KEY, stamped with a new timestamp, and prints that
timestamp ("<u64>/<hex id>"). VALUE "-" reads the value from standard input;
write "-- VALUE" for a value that starts with "-".

The first put into a new store needs -keyexpr, the key expression the store
will serve (e.g. 'demo/**'); later ones use the one it recorded.

	strata put -keyexpr 'demo/**' 'rocksdb:///tmp/db?create=true' demo/a hello
	strata put -encoding application/json rocksdb:///tmp/db demo/b '{"x":1}'
	strata put rocksdb:///tmp/db demo/c - < picture.png`,
		flags: func(fs *flag.FlagSet) any {
			f := &putFlags{}
			f.register(fs)
			fs.StringVar(&f.encoding, "encoding", "", "encoding of the value (a MIME type such as text/plain or application/json)")
			return f
		},
		run: runPut, min: 3, max: 3,
	})
}

func runPut(ctx context.Context, e *env, fl any, args []string) (err error) {
	f := fl.(*putFlags)
	value := []byte(args[2])
	if args[2] == "-" {
		if value, err = io.ReadAll(e.stdin); err != nil {
			return fmt.Errorf("reading the value from standard input: %w", err)
		}
	}
	s, err := openStore(ctx, args[0], openOptions{mode: readWrite, flags: f.storeFlags, logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	ts, err := s.PutEncoded(ctx, args[1], value, f.encoding)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, ts)
	return nil
}
