// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A metaTable holds what a map would, through inserts, adoptions,
// updates, removals (by backward shift), growth and clearing, with hashes
// drawn from a few home slots so that probe runs are long, wrap around
// the end of the table and cross each other, and with keys both inline
// and too long to be.
func TestMetaTableIsAMap(t *testing.T) {
	for _, homes := range []uint64{3, 64, 1 << 20} {
		t.Run(fmt.Sprint(homes), func(t *testing.T) {
			r := rand.New(rand.NewPCG(homes, 7))
			hash := func(k string) uint64 {
				var h uint64
				for _, c := range []byte(k) {
					h = h*31 + uint64(c)
				}
				// One of homes values spread over the whole range, so
				// that the top slots are homes too (and runs wrap).
				return h % homes * (^uint64(0) / homes)
			}
			key := func(i int) string {
				if i%3 == 0 {
					return fmt.Sprintf("%s%d", strings.Repeat("long/", 20), i)
				}
				return fmt.Sprint("k", i)
			}
			tab := newMetaTable(minTableSlots)
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
				k := key(r.IntN(300))
				h := hash(k)
				i, found := tab.find(k, h)
				_, inMap := want[k]
				require.Equal(t, inMap, found, k)
				v := fmt.Sprint(step)
				switch op := r.IntN(4); {
				case op == 0 && found:
					tab.remove(i)
					delete(want, k)
				case op == 1 && found:
					// Out and back in, as a slot moves between
					// generations.
					sl := tab.slots[i]
					tab.remove(i)
					tab.adopt(&sl).enc = v
					want[k] = v
				case found:
					tab.slots[i].meta.enc = v
					want[k] = v
				default:
					if tab.full() {
						tab = tab.grown(2 * len(tab.slots))
					}
					m := tab.insert(k, h, cachedMeta{enc: v})
					require.Equal(t, v, m.enc)
					want[k] = v
				}
				if step%97 == 0 {
					check()
				}
				if step == 2500 {
					tab.clear()
					clear(want)
				}
			}
			check()
		})
	}
}
