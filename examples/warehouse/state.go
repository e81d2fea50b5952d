// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// difference compares the states of two stores, a (the edge) and b (the
// cloud): their live samples (key, value, encoding, timestamp) and the
// wildcard deletes they remember.
type difference struct {
	keys              int // live keys of a
	onlyA, onlyB      int // live keys that one side has and the other not
	changed           int // live keys with another value, encoding or timestamp
	wildA, wildB      int // wildcard deletes that one side remembers and the other not
	firstKey, firstAt string
}

func (d difference) equal() bool {
	return d.onlyA == 0 && d.onlyB == 0 && d.changed == 0 && d.wildA == 0 && d.wildB == 0
}

func (d difference) String() string {
	if d.equal() {
		return fmt.Sprintf("none: %d keys on each side", d.keys)
	}
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(d.onlyA, "key only at the edge", "keys only at the edge")
	add(d.onlyB, "key only at the cloud", "keys only at the cloud")
	add(d.changed, "key with different samples", "keys with different samples")
	add(d.wildA, "wildcard delete only at the edge", "wildcard deletes only at the edge")
	add(d.wildB, "wildcard delete only at the cloud", "wildcard deletes only at the cloud")
	return fmt.Sprintf("%s (first: %s, at %s)", strings.Join(parts, ", "), d.firstKey, d.firstAt)
}

// compare reads both stores whole and says how they differ.
func compare(ctx context.Context, a, b *strata.Store) (difference, error) {
	var d difference
	sa, err := live(ctx, a)
	if err != nil {
		return d, err
	}
	sb, err := live(ctx, b)
	if err != nil {
		return d, err
	}
	d.keys = len(sa)
	note := func(key, where string) {
		if d.firstKey == "" || key < d.firstKey {
			d.firstKey, d.firstAt = key, where
		}
	}
	for k, x := range sa {
		y, ok := sb[k]
		switch {
		case !ok:
			d.onlyA++
			note(k, "the edge only")
		case x.Timestamp != y.Timestamp || x.Encoding != y.Encoding || string(x.Value) != string(y.Value):
			d.changed++
			note(k, "both, different")
		}
	}
	for k := range sb {
		if _, ok := sa[k]; !ok {
			d.onlyB++
			note(k, "the cloud only")
		}
	}
	wa, wb := wildcards(a), wildcards(b)
	for w := range wa {
		if !wb[w] {
			d.wildA++
			note(w.expr, "the edge only (a wildcard delete)")
		}
	}
	for w := range wb {
		if !wa[w] {
			d.wildB++
			note(w.expr, "the cloud only (a wildcard delete)")
		}
	}
	return d, nil
}

// live returns the live samples of st by key.
func live(ctx context.Context, st *strata.Store) (map[string]strata.Sample, error) {
	m := map[string]strata.Sample{}
	for smp, err := range st.Get(ctx, st.KeyExpr()) {
		if err != nil {
			return nil, err
		}
		m[smp.Key] = smp
	}
	return m, nil
}

type wildcard struct {
	expr string
	ts   hlc.Timestamp
}

func wildcards(st *strata.Store) map[wildcard]bool {
	m := map[wildcard]bool{}
	for _, smp := range st.WildcardDeletes() {
		m[wildcard{smp.Key, smp.Timestamp}] = true
	}
	return m
}
