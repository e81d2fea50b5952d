// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRiceSetRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{2, 3, 49, 80} {
		shs := make([]uint32, n)
		for i := range shs {
			shs[i] = r.Uint32()
		}
		shs[0], shs[n-1] = 0, 1<<32-1 // the extremes
		if n > 2 {
			shs[1] = shs[2] // a duplicate
		}
		set := riceSet(shs)
		require.Len(t, set, n)
		for _, sh := range shs {
			require.True(t, riceHas(set, sh))
			require.Less(t, set[len(set)-1], uint32(n<<riceBits))
		}
		b := appendRice(nil, set)
		t.Logf("%d short hashes in %d bytes", n, len(b))
		require.LessOrEqual(t, len(b), 1+(n*(riceBits+3)+7)/8, "about riceBits+2 bits each")
		rd := newReader(b)
		require.Equal(t, set, readRice(rd, haveMin, 80))
		rd.end()
		require.NoError(t, rd.err)
		for k := range len(b) {
			rd := newReader(b[:k])
			readRice(rd, haveMin, 80)
			require.ErrorIs(t, rd.err, ErrMalformed, "a prefix of %d bytes", k)
		}
	}

	// A short hash that nobody sent is found by chance once in
	// 2^riceBits or so.
	set := riceSet([]uint32{1 << 20, 1 << 30, 3 << 30})
	found := 0
	for range 1 << 16 {
		if riceHas(set, r.Uint32()) {
			found++
		}
	}
	require.Less(t, found, 3)
}

// Hostile sets are refused: too many or too few values, values beyond
// the range, padding that is not zero.
func TestRiceSetHostile(t *testing.T) {
	valid := appendRice(nil, riceSet([]uint32{7, 1 << 31, 1<<32 - 1}))
	for name, b := range map[string][]byte{
		"too many":  appendRice(nil, riceSet(make([]uint32, 81))),
		"too few":   appendRice(nil, riceSet(make([]uint32, 1))),
		"huge":      {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"no values": {2},
		// Two values, the second after a quotient of 2: beyond 2·2^20.
		"beyond the range": {2, 0, 0, 0x06, 0, 0, 0},
		// All ones: a unary quotient without end.
		"endless quotient": {3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"padded with ones": append(valid[:len(valid)-1:len(valid)-1], valid[len(valid)-1]|1),
	} {
		rd := newReader(b)
		require.Nil(t, readRice(rd, haveMin, 80), name)
		require.ErrorIs(t, rd.err, ErrMalformed, name)
	}
}
