// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

type lsFlags struct {
	all, size, jsonOut bool
}

func init() {
	register(&command{
		name:    "ls",
		args:    "[-all] [-size] [-json] URL [SELECTOR]",
		summary: "list keys with their timestamps (and sizes)",
		help: `Ls lists the keys that SELECTOR matches (default: the whole store), in key
order, one per line:

	2026-11-30T10:13:41.123456789Z/2a  put  demo/a

that is the timestamp (the time of the write and the ID of the clock that
stamped it), the kind of the latest change, and the key. Ls reads keys and
timestamps only, never values, unless -size asks for the size of each value
(in bytes, a column before the key), which reads them all.

-all also lists deleted keys (kind "del": a tombstone, kept for the store's
tombstone lifespan) and, at the end, the remembered wildcard deletes whose
expression intersects SELECTOR (kind "wdel").
-json prints one JSON object per line: key, timestamp, time, kind, encoding
(and size with -size).`,
		flags: func(fs *flag.FlagSet) any {
			f := &lsFlags{}
			fs.BoolVar(&f.all, "all", false, "also list tombstones and remembered wildcard deletes")
			fs.BoolVar(&f.size, "size", false, "print the size of each value (reads every value)")
			fs.BoolVar(&f.jsonOut, "json", false, "print JSON lines")
			return f
		},
		run: runLs, min: 1, max: 2,
	})
}

// lsEntry is a line of ls -json.
type lsEntry struct {
	Key       string `json:"key"`
	Timestamp string `json:"timestamp"`
	Time      string `json:"time"`
	Kind      string `json:"kind"`
	Encoding  string `json:"encoding,omitempty"`
	Size      *int   `json:"size,omitempty"`
}

// kindName is how ls and diff name what a sample is.
func kindName(smp strata.Sample, wildcard bool) string {
	switch {
	case wildcard:
		return "wdel"
	case smp.Kind == strata.KindDelete:
		return "del"
	}
	return "put"
}

func runLs(ctx context.Context, e *env, fl any, args []string) (err error) {
	f := fl.(*lsFlags)
	s, err := openStore(ctx, args[0], openOptions{mode: readOnly, logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	sel := selectorOr(args, 1, s.KeyExpr())
	out := e.output()
	defer out.flush(&err)
	print := func(smp strata.Sample, wildcard bool) error {
		kind := kindName(smp, wildcard)
		if f.jsonOut {
			le := lsEntry{Key: smp.Key, Timestamp: smp.Timestamp.String(),
				Time: string(smp.Timestamp.Time.AppendRFC3339(nil)), Kind: kind, Encoding: smp.Encoding}
			if f.size && kind == "put" {
				n := len(smp.Value)
				le.Size = &n
			}
			return out.json.Encode(le)
		}
		line := smp.Timestamp.AppendRFC3339(make([]byte, 0, 128))
		line = append(line, "  "...)
		line = fmt.Appendf(line, "%-4s  ", kind)
		if f.size {
			size := "-"
			if kind == "put" {
				size = strconv.Itoa(len(smp.Value))
			}
			line = fmt.Appendf(line, "%10s  ", size)
		}
		line = append(line, smp.Key...)
		line = append(line, '\n')
		_, err := out.Write(line)
		return err
	}
	for smp, err := range s.Scan(ctx, sel, &strata.ScanOptions{MetadataOnly: !f.size, Tombstones: f.all}) {
		if err != nil {
			return err
		}
		if err := print(smp, false); err != nil {
			return err
		}
	}
	if !f.all {
		return nil
	}
	ksel, err := keyexpr.Canonize(sel)
	if err != nil {
		return err
	}
	for _, wd := range s.WildcardDeletes() {
		if k, kerr := keyexpr.Canonize(wd.Key); kerr == nil && k.Intersects(ksel) {
			if err := print(wd, true); err != nil {
				return err
			}
		}
	}
	return nil
}
