// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// A metaTable holds what a map would, through inserts, updates, removals
// (by backward shift) and growth, with hashes drawn from a few home slots
// so that probe runs are long, wrap around the end of the table and cross
// each other.
func TestMetaTableIsAMap(t *testing.T) {
	for _, homes := range []uint64{3, 64, 1 << 20} {
		t.Run(fmt.Sprint(homes), func(t *testing.T) {
			r := rand.New(rand.NewPCG(homes, 7))
			hash := func(k string) uint64 {
				var h uint64
				for _, c := range []byte(k) {
					h = h*31 + uint64(c)
				}
				// Any home (the top slots included, for wrapping), any
				// shard bits.
				return (h%homes*0x9e3779b97f4a7c15)<<metaShardBits | h&(metaShards-1)
			}
			var tab metaTable
			want := map[string]string{}
			check := func() {
				require.Equal(t, len(want), tab.n)
				for k, v := range want {
					i, ok := tab.find(k, hash(k))
					require.True(t, ok, k)
					require.Equal(t, v, tab.slots[i].meta.enc, k)
				}
				used := 0
				for _, sl := range tab.slots {
					if sl.tag != 0 {
						used++
					}
				}
				require.Equal(t, tab.n, used)
				require.LessOrEqual(t, 4*tab.n, 3*len(tab.slots))
			}
			for step := range 5000 {
				k := fmt.Sprintf("k%d", r.IntN(300))
				h := hash(k)
				i, found := tab.find(k, h)
				_, inMap := want[k]
				require.Equal(t, inMap, found, k)
				switch op := r.IntN(3); {
				case op == 0 && found:
					tab.remove(i)
					delete(want, k)
				case found:
					v := fmt.Sprint(step)
					tab.slots[i].meta.enc = v
					want[k] = v
				default:
					v := fmt.Sprint(step)
					m := tab.insert(k, h, cachedMeta{enc: v})
					require.Equal(t, v, m.enc)
					want[k] = v
				}
				if step%97 == 0 {
					check()
				}
			}
			check()
		})
	}
}
