// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/linxGnu/grocksdb"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

// TestReopen writes a random history (puts, tombstones, removes, batches,
// metadata), closes and reopens the database several times, with and
// without flushing the memtable to table files, and checks after each
// reopen that every key, value, encoding, timestamp, tombstone and
// metadata record is back.
func TestReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	model := map[string]backend.Entry{}
	meta := map[string][]byte{}
	r := rand.New(rand.NewPCG(5, 6))
	encodings := []string{"", "text/plain", "application/json", "application/octet-stream;x=1"}
	ts := uint64(0)

	for round := range 4 {
		b, err := Open(dir, &Options{CreateIfMissing: true})
		require.NoError(t, err)
		checkModel(t, b, model, meta)

		var ops []backend.Op
		for i := range 300 {
			ts++
			key := fmt.Sprintf("r/%03d", r.IntN(200))
			if i%50 == 0 {
				key = "" // the empty key round-trips too
			}
			var op backend.Op
			switch r.IntN(6) {
			case 0:
				op = backend.Op{Key: key, Remove: true}
			case 1:
				op = backend.Op{Key: key, Entry: backend.Entry{Timestamp: stamp(ts), Deleted: true}}
			default:
				v := make([]byte, r.IntN(300))
				for j := range v {
					v[j] = byte(r.Uint32())
				}
				op = backend.Op{Key: key, Entry: backend.Entry{Value: v, Encoding: encodings[r.IntN(len(encodings))], Timestamp: stamp(ts)}}
			}
			switch {
			case r.IntN(3) == 0:
				ops = append(ops, op)
				if len(ops) == 7 {
					writeBatch(t, b, model, ops)
					ops = ops[:0]
				}
			case op.Remove:
				require.NoError(t, b.Remove(bg, key))
				delete(model, key)
			default:
				require.NoError(t, b.Put(bg, key, op.Entry))
				model[key] = op.Entry
			}
		}
		writeBatch(t, b, model, ops)
		name := fmt.Sprintf("meta/%d", round)
		meta[name] = []byte(name)
		require.NoError(t, b.PutMeta(bg, name, meta[name]))
		if round == 2 {
			require.NoError(t, b.PutMeta(bg, "meta/0", nil))
			delete(meta, "meta/0")
		}
		checkModel(t, b, model, meta)
		if round%2 == 1 {
			fo := grocksdb.NewDefaultFlushOptions()
			require.NoError(t, b.db.FlushCF(b.data, fo))
			fo.Destroy()
		}
		require.NoError(t, b.Close(bg))
	}
	b, err := Open(dir, &Options{ReadOnly: true})
	require.NoError(t, err)
	defer b.Close(bg)
	checkModel(t, b, model, meta)
}

// writeBatch writes ops in one batch and applies them to model, in order.
func writeBatch(t *testing.T, b *Backend, model map[string]backend.Entry, ops []backend.Op) {
	require.NoError(t, b.WriteBatch(bg, ops))
	for _, op := range ops {
		if op.Remove {
			delete(model, op.Key)
		} else {
			model[op.Key] = op.Entry
		}
	}
}

func checkModel(t *testing.T, b *Backend, model map[string]backend.Entry, meta map[string][]byte) {
	t.Helper()
	n := 0
	for it, err := range b.Scan(bg, "", nil) {
		require.NoError(t, err)
		want, ok := model[it.Key]
		require.True(t, ok, "unexpected key %q", it.Key)
		requireSame(t, it.Key, want, it.Entry)
		n++
	}
	require.Equal(t, len(model), n)
	for key, want := range model {
		got, err := b.Get(bg, key)
		require.NoError(t, err, key)
		requireSame(t, key, want, got)
		st, err := b.Stat(bg, key)
		require.NoError(t, err, key)
		require.Nil(t, st.Value)
		st.Value = got.Value
		requireSame(t, key, want, st)
	}
	for name, want := range meta {
		got, err := b.GetMeta(bg, name)
		require.NoError(t, err, name)
		require.Equal(t, want, got)
	}
	_, err := b.GetMeta(bg, "meta/0")
	if _, ok := meta["meta/0"]; !ok {
		require.ErrorIs(t, err, backend.ErrNotFound)
	}
}

func requireSame(t *testing.T, key string, want, got backend.Entry) {
	t.Helper()
	require.Equal(t, want.Timestamp, got.Timestamp, key)
	require.Equal(t, want.Encoding, got.Encoding, key)
	require.Equal(t, want.Deleted, got.Deleted, key)
	require.True(t, bytes.Equal(want.Value, got.Value), "value of %q", key)
}
