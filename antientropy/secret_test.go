// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
)

// With a Secret, event hashes are keyed: they differ from plain BLAKE3
// and from another secret's, and replicas that do not share the secret
// refuse to align (their configurations differ).
func TestSecretKeysFingerprints(t *testing.T) {
	s := newTestStore(t, "k/**")
	for i := range 10 {
		_, err := s.Put(context.Background(), fmt.Sprint("k/", i), []byte("v"))
		require.NoError(t, err)
	}
	open := func(secret string) *Replica {
		var b []byte
		if secret != "" {
			b = []byte(secret)
		}
		r, err := New(s, nopTransport{}, &Options{Secret: b})
		require.NoError(t, err)
		t.Cleanup(func() { _ = r.Close() })
		return r
	}
	plain, one, same, other := open(""), open("0123456789abcdef-one"), open("0123456789abcdef-one"), open("0123456789abcdef-two")
	ev := s.Clock().Now()
	h := func(r *Replica) uint64 {
		v, _ := r.cfg.eventHash(nil, "k/x", ev, strata.KindPut)
		return v
	}
	require.NotEqual(t, h(plain), h(one))
	require.NotEqual(t, h(one), h(other))
	require.Equal(t, h(one), h(same))
	all := rangeNode(0, 1<<40)
	sum := func(r *Replica) fingerprint {
		fp, n := r.log.nodeSums(all, r.reference())
		require.Equal(t, 10, n)
		return fp
	}
	require.NotEqual(t, sum(plain), sum(one))
	require.Equal(t, sum(one), sum(same))
	require.Equal(t, one.cfg.fp, same.cfg.fp)
	require.NotEqual(t, one.cfg.fp, other.cfg.fp, "another secret is another configuration")
	require.NotEqual(t, plain.cfg.fp, one.cfg.fp)

	_, err := New(s, nopTransport{}, &Options{Secret: []byte("short")})
	require.ErrorIs(t, err, ErrInvalidOptions)
}
