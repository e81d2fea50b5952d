// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/hlc"
)

// failing fails the requests numbered from first to last (from 1), and
// counts the requests of each kind (the message's second byte).
type failing struct {
	antientropy.Transport
	mu          sync.Mutex
	n           int
	first, last int
	kinds       map[byte]int
}

var errInjected = errors.New("injected failure")

func (f *failing) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	f.mu.Lock()
	f.n++
	n := f.n
	f.kinds[msg[1]]++
	f.mu.Unlock()
	if n >= f.first && n <= f.last {
		return nil, errInjected
	}
	return f.Transport.Request(ctx, peer, msg)
}

// An alignment that stops in the middle of its exploration (every try of
// one request fails) resumes at the next alignment where it stopped: the
// requests answered before are not sent again.
func TestExplorationResumes(t *testing.T) {
	run := func(first, last int) (*failing, error, error) {
		e := newEraPair(t, 4000, 30*24*time.Hour)
		f := &failing{Transport: e.pair.Counting[1].T, first: first, last: last, kinds: map[byte]int{}}
		e.pair.Counting[1].T = f
		ctx := context.Background()
		// Differences spread over the history, in the cold era.
		for i := range 40 {
			k := i * 97 % e.n
			smp := strata.Sample{Key: benchKey(k), Value: []byte("new"), Kind: strata.KindPut,
				Timestamp: hlc.Timestamp{Time: spanTime(k, e.n, 30*24*time.Hour) + 16, ID: hlc.ID{0xef}}}
			_, err := e.pair.Stores[0].Apply(ctx, smp)
			require.NoError(t, err)
		}
		e.pair.Elapse()
		err1 := e.pair.Replicas[1].AlignWith(ctx, "a")
		err2 := e.pair.Replicas[1].AlignWith(ctx, "a")
		antientropytest.RequireSameState(t, e.pair.Stores[0], e.pair.Stores[1])
		return f, err1, err2
	}
	whole, err1, err2 := run(0, -1)
	require.NoError(t, err1)
	require.NoError(t, err2)
	const compare = 9
	require.GreaterOrEqual(t, whole.kinds[compare], 2, "the exploration takes two levels at least")
	// The third request (the second compare) fails every try.
	cut, err1, err2 := run(3, 6)
	require.ErrorIs(t, err1, errInjected)
	require.NoError(t, err2)
	t.Logf("compare requests: %d uninterrupted, %d interrupted and resumed (4 of them failed)", whole.kinds[compare], cut.kinds[compare])
	require.Equal(t, whole.kinds[compare]+4, cut.kinds[compare], "resumed where it stopped: only the failed request again")
}
