// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"time"

	"github.com/zeebo/blake3"

	"github.com/stratakv/strata"
)

// Default values of Options.
const (
	DefaultInterval         = 10 * time.Second
	DefaultSubIntervals     = 5
	DefaultHot              = 6
	DefaultWarm             = 30
	DefaultPropagationDelay = 250 * time.Millisecond
	DefaultMaxMessageSize   = 1 << 20
	DefaultRequestTimeout   = 10 * time.Second

	// MinMessageSize is the smallest MaxMessageSize accepted: a digest of
	// the default era parameters and a page holding one small sample fit.
	MinMessageSize = 4 << 10
)

// Options configure a Replica. A nil *Options means the defaults; zero
// fields take the default documented on each. Replicas of one key space
// must agree on Interval, SubIntervals, Hot and Warm (and their stores on
// KeyExpr, StripPrefix and TombstoneLifespan): the digest carries a
// fingerprint of these, and replicas whose fingerprints differ refuse to
// align.
type Options struct {
	// ID is this replica's name on the transport: the "from" its peers
	// see. Informational for the replica itself (it is logged). Empty: the
	// hex ID of the store's clock.
	ID string
	// Interval is the length of one time interval of the log. Zero: 10 s.
	// It must be a whole number of milliseconds that SubIntervals divides.
	Interval time.Duration
	// SubIntervals is the number of sub-intervals per interval. Zero: 5.
	SubIntervals int
	// Hot is the number of latest elapsed intervals whose sub-interval
	// fingerprints the digest carries one by one. Zero: 6.
	Hot int
	// Warm is the number of intervals before the hot ones whose
	// fingerprints the digest carries one by one; everything older is the
	// cold era, one fingerprint. Zero: 30.
	Warm int
	// PropagationDelay is how long a write may take to reach every
	// replica: events newer than now minus this delay are not in the
	// digest yet, and digests are published this long after an interval
	// ends. Zero: 250 ms. It must be less than Interval/2.
	PropagationDelay time.Duration
	// MaxMessageSize bounds every message and reply this replica sends and
	// accepts, in bytes. Zero: 1 MiB. At least MinMessageSize, at most
	// 1 GiB. Replicas with different limits align: every message carries
	// its sender's limit, and each side sizes what it sends by the smaller
	// of the two. Values that do not fit in one reply come in chunks (see
	// MaxValueSize).
	MaxMessageSize int
	// RequestTimeout is the deadline of each request to a peer (a lost
	// or unanswered one is sent again, a few times, then the alignment
	// stops and the next one resumes it). Zero: 10 s. Digests are
	// broadcast with a deadline of Interval/2.
	RequestTimeout time.Duration
	// Logger receives events a person should see (configuration
	// mismatches, failed alignments). Nil: slog.Default().
	Logger *slog.Logger
	// Secret, if set, keys the hash of fingerprints: replicas of one key
	// space must share it (a replica with another secret, or none, is a
	// configuration mismatch). Without it, anyone who can choose keys and
	// timestamps (a client of a REST router, a peer) can craft events
	// whose fingerprints collide, so that replicas that differ look
	// aligned; see the package doc's threat model. Random, at least 16
	// bytes; keep it as secret as the transport's credentials.
	Secret []byte
	// DisablePush turns live push off: local writes then reach peers at
	// the next digest's alignment only. By default, Run pushes the
	// samples of local writes to every peer as they are applied (see the
	// package doc).
	DisablePush bool
	// MaxValueSize bounds the values this replica receives in chunks
	// (those larger than one message). A peer's larger value is not
	// fetched (the store would refuse it) and is counted in
	// Stats.TooLarge. Zero: the store's own limit (Store.MaxValueSize,
	// 64 MiB by default).
	MaxValueSize int
}

// config is Options validated, with defaults applied and derived values.
type config struct {
	Options
	intervalMs int64 // Interval in milliseconds
	subMs      int64 // one sub-interval in milliseconds
	delayMs    int64 // PropagationDelay in milliseconds
	expiry     int64 // intervals after which deletes leave the log (lifespan rounded up)
	fp         uint64
	hasher     *hasher // event hashes, keyed by Secret
}

func newConfig(store *strata.Store, opts *Options) (*config, error) {
	c := &config{}
	if opts != nil {
		c.Options = *opts
	}
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.SubIntervals == 0 {
		c.SubIntervals = DefaultSubIntervals
	}
	if c.Hot == 0 {
		c.Hot = DefaultHot
	}
	if c.Warm == 0 {
		c.Warm = DefaultWarm
	}
	if c.PropagationDelay == 0 {
		c.PropagationDelay = DefaultPropagationDelay
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxValueSize == 0 {
		c.MaxValueSize = min(store.MaxValueSize(), maxValueSize)
	}
	if c.ID == "" {
		c.ID = store.Clock().ID().String()
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("antientropy: options: "+format+": %w", append(args, ErrInvalidOptions)...)
	}
	switch {
	case c.Interval < time.Millisecond || c.Interval%time.Millisecond != 0:
		return nil, bad("Interval %v is not a positive whole number of milliseconds", c.Interval)
	case c.SubIntervals < 1 || c.SubIntervals > 1000:
		return nil, bad("SubIntervals %d is not in [1, 1000]", c.SubIntervals)
	case c.Interval.Milliseconds()%int64(c.SubIntervals) != 0:
		return nil, bad("Interval %v is not a multiple of SubIntervals (%d) milliseconds", c.Interval, c.SubIntervals)
	case c.Hot < 1 || c.Warm < 1 || c.Hot > 1000 || c.Warm > 10000:
		return nil, bad("Hot %d and Warm %d must be in [1, 1000] and [1, 10000]", c.Hot, c.Warm)
	case c.Hot*c.SubIntervals+c.Warm > 20000:
		return nil, bad("the digest would hold %d fingerprints, more than 20000", c.Hot*c.SubIntervals+c.Warm)
	case c.PropagationDelay < 0 || c.PropagationDelay%time.Millisecond != 0:
		return nil, bad("PropagationDelay %v is not a whole number of milliseconds", c.PropagationDelay)
	case c.PropagationDelay >= c.Interval/2:
		return nil, bad("PropagationDelay %v is not less than Interval/2 (%v)", c.PropagationDelay, c.Interval/2)
	case c.RequestTimeout < 0:
		return nil, bad("RequestTimeout %v is negative", c.RequestTimeout)
	case len(c.Secret) > 0 && len(c.Secret) < 16:
		return nil, bad("Secret of %d bytes is shorter than 16", len(c.Secret))
	case c.MaxValueSize < 0 || c.MaxValueSize > maxValueSize:
		return nil, bad("MaxValueSize %d is not in [0, %d]", c.MaxValueSize, maxValueSize)
	case c.MaxMessageSize < MinMessageSize || c.MaxMessageSize > maxLimit:
		return nil, bad("MaxMessageSize %d is not in [%d, %d]", c.MaxMessageSize, MinMessageSize, maxLimit)
	}
	if need := digestSizeBound(c.Hot*c.SubIntervals, c.Warm); need > c.MaxMessageSize {
		return nil, bad("a digest needs up to %d bytes, more than MaxMessageSize %d", need, c.MaxMessageSize)
	}
	c.intervalMs = c.Interval.Milliseconds()
	c.subMs = c.intervalMs / int64(c.SubIntervals)
	c.delayMs = c.PropagationDelay.Milliseconds()
	life := store.TombstoneLifespan().Milliseconds()
	c.expiry = (life + c.intervalMs - 1) / c.intervalMs
	c.Secret = append([]byte(nil), c.Secret...)
	c.hasher = newHasher(c.Secret)
	c.fp = configFingerprint(store, c)
	return c, nil
}

// configFingerprint identifies what replicas must agree on to compare
// digests: the key space, the strip prefix, the era parameters and the
// tombstone lifespan (deletes leave fingerprints after it), and whether
// and which Secret keys the event hashes.
func configFingerprint(store *strata.Store, c *config) uint64 {
	h := blake3.New()
	var b []byte
	b = append(b, "strata/antientropy/config/v1\x00"...)
	b = appendString(b, store.KeyExpr())
	b = appendString(b, store.StripPrefix())
	b = binary.AppendUvarint(b, uint64(c.Interval.Milliseconds()))
	b = binary.AppendUvarint(b, uint64(c.SubIntervals))
	b = binary.AppendUvarint(b, uint64(c.Hot))
	b = binary.AppendUvarint(b, uint64(c.Warm))
	b = binary.AppendUvarint(b, uint64(store.TombstoneLifespan().Milliseconds()))
	b = append(b, secretCheck(c.Secret)...)
	_, _ = h.Write(b)
	var sum [32]byte
	h.Sum(sum[:0])
	return binary.LittleEndian.Uint64(sum[:8])
}
