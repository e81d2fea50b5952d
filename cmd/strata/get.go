// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"unicode/utf8"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

type getFlags struct {
	jsonOut bool
}

func init() {
	register(&command{
		name:    "get",
		args:    "[-json] URL SELECTOR",
		summary: "print the values that a key or key expression selects",
		help: `Get prints the latest values that SELECTOR matches.

A concrete key prints its value as is, byte for byte, with no newline added
(so that "strata get URL KEY > file" restores what put stored); a missing or
deleted key is an error (exit status 1). A wildcard selector prints each
value followed by a newline, in key order; it prints nothing when nothing
matches.

-json prints one JSON object per sample and line instead:
	{"key":"demo/a","value":"hello","encoding":"text/plain","timestamp":"7594873498672185344/2a","time":"2026-11-30T10:13:41.123456Z"}
The value is a JSON string when it is valid UTF-8; otherwise it is base64
and the object has "base64":true.

	strata get rocksdb:///tmp/db demo/a
	strata get -json rocksdb:///tmp/db 'demo/**'`,
		flags: func(fs *flag.FlagSet) any {
			f := &getFlags{}
			fs.BoolVar(&f.jsonOut, "json", false, "print JSON lines with key, value, encoding and timestamp")
			return f
		},
		run: runGet, min: 2, max: 2,
	})
}

// jsonSample is a line of get -json.
type jsonSample struct {
	Key       string `json:"key"`
	Value     string `json:"value"`
	Base64    bool   `json:"base64,omitempty"`
	Encoding  string `json:"encoding"`
	Timestamp string `json:"timestamp"`
	Time      string `json:"time"`
}

func newJSONSample(smp strata.Sample) jsonSample {
	j := jsonSample{Key: smp.Key, Encoding: smp.Encoding, Timestamp: smp.Timestamp.String(), Time: string(smp.Timestamp.Time.AppendRFC3339(nil))}
	if utf8.Valid(smp.Value) {
		j.Value = string(smp.Value)
	} else {
		j.Value, j.Base64 = base64.StdEncoding.EncodeToString(smp.Value), true
	}
	return j
}

func runGet(ctx context.Context, e *env, fl any, args []string) (err error) {
	f := fl.(*getFlags)
	s, err := openStore(ctx, args[0], openOptions{mode: readOnly, logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	sel := args[1]
	out := e.output()
	defer out.flush(&err)
	if k, kerr := keyexpr.Canonize(sel); kerr == nil && !k.IsWild() {
		smp, err := s.Lookup(ctx, sel)
		if errors.Is(err, strata.ErrNotFound) {
			return fmt.Errorf("%w (see `strata ls -all URL %s` for a tombstone)", err, sel)
		}
		if err != nil {
			return err
		}
		if f.jsonOut {
			return out.json.Encode(newJSONSample(smp))
		}
		_, err = out.Write(smp.Value)
		return err
	}
	for smp, err := range s.Get(ctx, sel) {
		if err != nil {
			return err
		}
		if f.jsonOut {
			err = out.json.Encode(newJSONSample(smp))
		} else {
			out.Write(smp.Value)
			err = out.WriteByte('\n')
		}
		if err != nil {
			return err
		}
	}
	return nil
}
