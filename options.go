// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// Default values of Options.
const (
	DefaultTombstoneLifespan = 24 * time.Hour
	DefaultMaxValueSize      = 64 << 20
)

// Options configure a Store. A nil *Options is invalid (KeyExpr is
// required); zero fields take the defaults documented on each.
type Options struct {
	// KeyExpr is the key space this store serves, e.g. "demo/**". Required.
	// It is canonized ("**/*" becomes "*/**").
	KeyExpr string
	// StripPrefix is an optional literal prefix of whole chunks of KeyExpr,
	// removed from keys before they reach the backend: with KeyExpr
	// "demo/**" and StripPrefix "demo", key "demo/a" is stored as "a" and
	// key "demo" as "".
	StripPrefix string
	// ReadOnly refuses every write with ErrReadOnly and runs no garbage
	// collection.
	ReadOnly bool
	// Clock stamps Put and Delete and checks the timestamps of applied
	// samples. Nil: a new clock with a random ID. Share one clock between
	// the stores of a process.
	Clock *hlc.Clock
	// TombstoneLifespan is how long deletes (tombstones and wildcard
	// deletes) are remembered. Zero: 24 h. A replica partitioned for longer
	// than this may resurrect data it missed the delete of.
	TombstoneLifespan time.Duration
	// GCInterval is how often expired tombstones are collected in the
	// background. Zero: TombstoneLifespan / 24. Negative: never in the
	// background (call CollectGarbage).
	GCInterval time.Duration
	// MaxValueSize bounds the value of one sample. Zero: 64 MiB.
	MaxValueSize int
	// MaxWildcardDeletes bounds how many wildcard deletes the store
	// remembers at once (each costs one metadata record and about 100
	// bytes of memory); a new one beyond it is refused with
	// ErrWildcardLimit. Zero: DefaultMaxWildcardDeletes (10,000).
	MaxWildcardDeletes int
	// WildcardRefresh is how often a store over a backend that several
	// processes may share (one with conditional writes, such as S3) reads
	// the wildcard deletes that the other processes remembered. Until it
	// does, it may accept an older put on a key that did not exist when
	// another process's wildcard delete ran. Zero: 1 s. Negative: never
	// after Open.
	WildcardRefresh time.Duration
	// Logger receives events a person should see (garbage collection,
	// refused samples). Nil: slog.Default().
	Logger *slog.Logger
}

// config is Options validated, with defaults applied.
type config struct {
	Options
	expr  keyexpr.KeyExpr
	strip string
	// When expr is "L/**" (or "**"), keys in scope are those inSubtree
	// accepts, which costs less to tell than expr.Matches.
	subtreeBase           string
	subtreeAll, isSubtree bool
}

func newConfig(opts *Options) (*config, error) {
	if opts == nil {
		return nil, fmt.Errorf("strata: options: KeyExpr is required")
	}
	c := &config{Options: *opts}
	expr, err := keyexpr.Canonize(c.KeyExpr)
	if err != nil {
		return nil, fmt.Errorf("strata: options: KeyExpr %q: %w: %w", c.KeyExpr, ErrInvalidKey, err)
	}
	c.expr = expr
	c.KeyExpr = expr.String()
	c.subtreeBase, c.subtreeAll, c.isSubtree = subtreeOf(expr)
	if c.StripPrefix != "" {
		if err := keyexpr.ValidateKey(c.StripPrefix); err != nil {
			return nil, fmt.Errorf("strata: options: StripPrefix %q: %w: %w", c.StripPrefix, ErrInvalidKey, err)
		}
		if !keyexpr.HasChunkPrefix(expr.NonWildPrefix(), c.StripPrefix) {
			return nil, fmt.Errorf("strata: options: StripPrefix %q is not a literal chunk prefix of KeyExpr %q", c.StripPrefix, c.KeyExpr)
		}
	}
	c.strip = c.StripPrefix
	if c.Clock == nil {
		c.Clock = hlc.NewClock(nil)
	}
	switch {
	case c.TombstoneLifespan == 0:
		c.TombstoneLifespan = DefaultTombstoneLifespan
	case c.TombstoneLifespan < 0:
		return nil, fmt.Errorf("strata: options: negative TombstoneLifespan %v", c.TombstoneLifespan)
	}
	if c.GCInterval == 0 {
		c.GCInterval = max(c.TombstoneLifespan/24, time.Second)
	}
	switch {
	case c.MaxValueSize == 0:
		c.MaxValueSize = DefaultMaxValueSize
	case c.MaxValueSize < 0:
		return nil, fmt.Errorf("strata: options: negative MaxValueSize %d", c.MaxValueSize)
	}
	switch {
	case c.MaxWildcardDeletes == 0:
		c.MaxWildcardDeletes = DefaultMaxWildcardDeletes
	case c.MaxWildcardDeletes < 0:
		return nil, fmt.Errorf("strata: options: negative MaxWildcardDeletes %d", c.MaxWildcardDeletes)
	}
	if c.WildcardRefresh == 0 {
		c.WildcardRefresh = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}
