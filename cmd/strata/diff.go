// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

type diffFlags struct {
	max int
}

func init() {
	register(&command{
		name:    "diff",
		args:    "[-max N] URL_A URL_B [SELECTOR]",
		summary: "say whether two stores hold the same state (exit 0: equal, 1: not)",
		help: `Diff compares what two stores hold under SELECTOR (default: A's key
expression): for every key, the timestamp and kind (value or tombstone) of
its latest change, and the remembered wildcard deletes whose expression
intersects SELECTOR. It reads keys and timestamps only, never values: two
samples of one key with one timestamp are one write, so equal stores cost no
value transfer.

It prints "equal" and a count, or the first -max differences and their
number:

	demo/a  A: put 2026-11-30T10:13:41.123456789Z/2a  B: -
	demo/b  A: put 2026-11-30T10:13:41.123456789Z/2a  B: del 2026-11-30T10:14:00.000000001Z/3c

Exit status: 0 when the stores hold the same state, 1 when they differ,
2 on an error. Both stores are opened read-only.`,
		flags: func(fs *flag.FlagSet) any {
			f := &diffFlags{}
			fs.IntVar(&f.max, "max", 20, "print at most this many differences (the count is of all)")
			return f
		},
		run: runDiff, min: 2, max: 3,
	})
}

// entry is what diff compares of a key.
type entry struct {
	key  string
	desc string // kind and timestamp
}

// diffResult is what compareStores found.
type diffResult struct {
	entries     int      // keys and wildcard deletes compared (in A)
	differences int      // how many differ
	shown       []string // the first differences, as lines
}

func runDiff(ctx context.Context, e *env, fl any, args []string) (err error) {
	f := fl.(*diffFlags)
	// Errors are status 2, differences 1.
	defer func() {
		if _, ok := err.(*exitError); err != nil && !ok {
			if _, usage := err.(*usageError); !usage {
				err = &exitError{code: 2, err: err}
			}
		}
	}()
	a, err := openStore(ctx, args[0], openOptions{mode: readOnly, logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(a, &err)
	b, err := openStore(ctx, args[1], openOptions{mode: readOnly, logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(b, &err)
	sel := selectorOr(args, 2, a.KeyExpr())
	res, err := compareStores(ctx, a, b, sel, f.max)
	if err != nil {
		return err
	}
	return report(e.stdout, res)
}

func report(w io.Writer, res diffResult) error {
	if res.differences == 0 {
		fmt.Fprintf(w, "equal: %d keys, tombstones and wildcard deletes\n", res.entries)
		return nil
	}
	for _, l := range res.shown {
		fmt.Fprintln(w, l)
	}
	more := ""
	if len(res.shown) < res.differences {
		more = fmt.Sprintf(" (first %d shown)", len(res.shown))
	}
	fmt.Fprintf(w, "%d differences%s\n", res.differences, more)
	return &exitError{code: 1}
}

// scanEntries streams the keys of s under sel, metadata only, tombstones
// included, into a channel, so that both stores are read at once.
func scanEntries(ctx context.Context, s *strata.Store, sel string) (<-chan entry, <-chan error) {
	ch := make(chan entry, 1024)
	errc := make(chan error, 1)
	go func() {
		defer close(ch)
		last := ""
		for smp, err := range s.Scan(ctx, sel, &strata.ScanOptions{MetadataOnly: true, Tombstones: true}) {
			if err == nil && last != "" && smp.Key <= last {
				err = fmt.Errorf("the scan of %q is not in key order (%q after %q)", s.KeyExpr(), smp.Key, last)
			}
			if err != nil {
				errc <- err
				return
			}
			last = smp.Key
			select {
			case ch <- entry{smp.Key, describe(smp, false)}:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
		errc <- nil
	}()
	return ch, errc
}

func describe(smp strata.Sample, wildcard bool) string {
	return kindName(smp, wildcard) + " " + smp.Timestamp.RFC3339()
}

// compareStores merges the metadata scans of a and b under sel, then
// compares their wildcard deletes.
func compareStores(ctx context.Context, a, b *strata.Store, sel string, max int) (diffResult, error) {
	ksel, err := keyexpr.Canonize(sel)
	if err != nil {
		return diffResult{}, fmt.Errorf("selector %q: %w", sel, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var res diffResult
	differ := func(key, da, db string) {
		res.differences++
		if len(res.shown) < max {
			res.shown = append(res.shown, fmt.Sprintf("%s  A: %s  B: %s", key, da, db))
		}
	}
	ca, ea := scanEntries(ctx, a, sel)
	cb, eb := scanEntries(ctx, b, sel)
	xa, oka := <-ca
	xb, okb := <-cb
	for oka || okb {
		switch {
		case okb && (!oka || xb.key < xa.key):
			differ(xb.key, "-", xb.desc)
			xb, okb = <-cb
		case oka && (!okb || xa.key < xb.key):
			res.entries++
			differ(xa.key, xa.desc, "-")
			xa, oka = <-ca
		default:
			res.entries++
			if xa.desc != xb.desc {
				differ(xa.key, xa.desc, xb.desc)
			}
			xa, oka = <-ca
			xb, okb = <-cb
		}
	}
	if err := <-ea; err != nil {
		return res, err
	}
	if err := <-eb; err != nil {
		return res, err
	}
	wa, wb := wildcardEntries(a, ksel), wildcardEntries(b, ksel)
	keys := map[string]bool{}
	for k := range wa {
		keys[k] = true
	}
	for k := range wb {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		da, db := wa[k], wb[k]
		if da != "" {
			res.entries++
		}
		if da != db {
			differ(k, orDash(da), orDash(db))
		}
	}
	return res, nil
}

// wildcardEntries describes the wildcard deletes of s that intersect sel.
func wildcardEntries(s *strata.Store, sel keyexpr.KeyExpr) map[string]string {
	m := map[string]string{}
	for _, wd := range s.WildcardDeletes() {
		if k, err := keyexpr.Canonize(wd.Key); err == nil && k.Intersects(sel) {
			m[wd.Key] = describe(wd, true)
		}
	}
	return m
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
