// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

type statsFlags struct {
	size, jsonOut bool
}

func init() {
	register(&command{
		name:    "stats",
		args:    "[-size] [-json] URL",
		summary: "count a store's keys, tombstones and wildcard deletes",
		help: `Stats describes a store: the key expression and strip prefix it was
created with, how many live keys and tombstones it holds, how many wildcard
deletes it remembers, and the oldest and newest timestamps. It reads keys and
timestamps only; -size also totals the size of the values, which reads them
all.

(The counters of a running server, such as puts and gets, are on its
/@strata/metrics endpoint; see strata help serve.)`,
		flags: func(fs *flag.FlagSet) any {
			f := &statsFlags{}
			fs.BoolVar(&f.size, "size", false, "also total the size of the values (reads every value)")
			fs.BoolVar(&f.jsonOut, "json", false, "print one JSON object")
			return f
		},
		run: runStats, min: 1, max: 1,
	})
}

// storeStats is what stats prints.
type storeStats struct {
	URL             string `json:"url"`
	KeyExpr         string `json:"keyexpr"`
	StripPrefix     string `json:"strip_prefix"`
	Keys            int    `json:"keys"`
	Tombstones      int    `json:"tombstones"`
	WildcardDeletes int    `json:"wildcard_deletes"`
	ValueBytes      *int64 `json:"value_bytes,omitempty"`
	Oldest          string `json:"oldest,omitempty"`
	Newest          string `json:"newest,omitempty"`
}

func runStats(ctx context.Context, e *env, fl any, args []string) (err error) {
	f := fl.(*statsFlags)
	s, err := openStore(ctx, args[0], openOptions{mode: readOnly, logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	st := storeStats{URL: redact(args[0]), KeyExpr: s.KeyExpr(), StripPrefix: s.StripPrefix()}
	var oldest, newest hlc.Timestamp
	var bytes int64
	note := func(ts hlc.Timestamp) {
		if oldest.IsZero() || ts.Compare(oldest) < 0 {
			oldest = ts
		}
		if ts.Compare(newest) > 0 {
			newest = ts
		}
	}
	for smp, err := range s.Scan(ctx, s.KeyExpr(), &strata.ScanOptions{MetadataOnly: !f.size, Tombstones: true}) {
		if err != nil {
			return err
		}
		if smp.Kind == strata.KindDelete {
			st.Tombstones++
		} else {
			st.Keys++
			bytes += int64(len(smp.Value))
		}
		note(smp.Timestamp)
	}
	wds := s.WildcardDeletes()
	st.WildcardDeletes = len(wds)
	for _, wd := range wds {
		note(wd.Timestamp)
	}
	if f.size {
		st.ValueBytes = &bytes
	}
	if !oldest.IsZero() {
		st.Oldest, st.Newest = oldest.RFC3339(), newest.RFC3339()
	}
	if f.jsonOut {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	fmt.Fprintf(e.stdout, "url               %s\n", st.URL)
	fmt.Fprintf(e.stdout, "keyexpr           %s\n", st.KeyExpr)
	fmt.Fprintf(e.stdout, "strip prefix      %s\n", st.StripPrefix)
	fmt.Fprintf(e.stdout, "keys              %d\n", st.Keys)
	fmt.Fprintf(e.stdout, "tombstones        %d\n", st.Tombstones)
	fmt.Fprintf(e.stdout, "wildcard deletes  %d\n", st.WildcardDeletes)
	if st.ValueBytes != nil {
		fmt.Fprintf(e.stdout, "value bytes       %d\n", *st.ValueBytes)
	}
	if st.Oldest != "" {
		fmt.Fprintf(e.stdout, "oldest            %s\n", st.Oldest)
		fmt.Fprintf(e.stdout, "newest            %s\n", st.Newest)
	}
	return nil
}
