// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stratakv/strata/backend"
)

// Names of the records the Store keeps in the backend's metadata space.
const (
	metaConfig = "strata/config"
)

// encodeConfig is the config record: what the backend's keys mean.
func (c *config) record() []byte {
	return []byte("strata-config v1\nkeyexpr " + c.KeyExpr + "\nstrip-prefix " + c.strip + "\n")
}

// checkConfig writes the config record on first use and compares it after.
func (s *Store) checkConfig(ctx context.Context) error {
	want := s.cfg.record()
	got, err := s.b.GetMeta(ctx, metaConfig)
	switch {
	case errors.Is(err, backend.ErrNotFound):
		if s.cfg.ReadOnly {
			return nil // nothing to compare with, and nothing may be written
		}
		return s.createConfig(ctx, want)
	case err != nil:
		return fmt.Errorf("strata: open: reading store metadata: %w", err)
	case string(got) != string(want):
		return fmt.Errorf("strata: open: the backend holds a store with %s, not %s: %w",
			describeConfig(got), describeConfig(want), ErrIncompatible)
	}
	return nil
}

// createConfig writes the config record of a new store. Over a backend
// that several processes share, the write is conditional on there being
// none, so that two processes creating one store at once with different
// options cannot both succeed: the loser compares with the winner's.
func (s *Store) createConfig(ctx context.Context, want []byte) error {
	mc, ok := s.b.(backend.MetaCreator)
	if !ok {
		if err := s.b.PutMeta(ctx, metaConfig, want); err != nil {
			return fmt.Errorf("strata: open: writing store metadata: %w", err)
		}
		return nil
	}
	err := mc.CreateMeta(ctx, metaConfig, want)
	if errors.Is(err, backend.ErrConflict) {
		// Another process created it first (or this one did, and the
		// answer was lost): compare with what is there.
		got, err := s.b.GetMeta(ctx, metaConfig)
		if err != nil {
			return fmt.Errorf("strata: open: reading store metadata: %w", err)
		}
		if string(got) != string(want) {
			return fmt.Errorf("strata: open: the backend holds a store with %s, not %s: %w",
				describeConfig(got), describeConfig(want), ErrIncompatible)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("strata: open: writing store metadata: %w", err)
	}
	return nil
}

// describeConfig renders a config record on one line for an error message.
func describeConfig(rec []byte) string {
	lines := strings.Split(strings.TrimSpace(string(rec)), "\n")
	if len(lines) == 0 || lines[0] != "strata-config v1" {
		return fmt.Sprintf("unreadable metadata %q", rec)
	}
	return strings.Join(lines[1:], ", ")
}
