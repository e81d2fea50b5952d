// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend

import "context"

// Prior is the state of a key that a write of NewerWriter was compared
// with: its metadata (Entry.Value is nil) when Found, and whether the
// write was made.
type Prior struct {
	Entry   Entry
	Found   bool
	Written bool
}

// NewerWriter is an optional capability: last-writer-wins decided by the
// backend, in the same step as the write. It exists for speed: the Store
// otherwise reads a key's metadata (Stat) and then writes (Put), two calls
// and two lookups of whatever the backend keeps, where one suffices.
//
// A write is made only if the key is missing or holds an entry whose
// timestamp is older than the one written; an equal or newer timestamp
// leaves the key as it is. The comparison and the write are atomic with
// respect to every other write of the key through this Backend (Put,
// Remove, WriteBatch and NewerWriter alike). Only timestamps are
// compared: whether the entry is a tombstone plays no part.
//
// The Store uses NewerWriter only for backends without Conditional
// writes: backends that one process writes. It still serializes the
// writes of a key itself, and decides everything else (remembered
// wildcard deletes, new timestamps for local writes, results) from Prior.
// A backend without NewerWriter is compared with by Stat and written with
// Put or WriteBatch, as the Backend contract says.
type NewerWriter interface {
	// PutIfNewer writes e under key if the key is missing or holds an
	// older timestamp than e.Timestamp, and returns the state it compared
	// with. A call that writes nothing needs no write access: it succeeds
	// wherever Stat would (over a read-only backend, say).
	PutIfNewer(ctx context.Context, key string, e Entry) (Prior, error)

	// WriteBatchIfNewer is PutIfNewer for each of ops in order, written
	// in one atomic write as Batcher.WriteBatch does; an op is compared
	// with the key's state as the ops before it in the batch leave it.
	// prior[i] (len(prior) == len(ops)) receives the state ops[i] was
	// compared with. Ops must be puts: a Remove op fails the call, which
	// then writes nothing. On an error nothing is written, and prior is
	// undefined.
	WriteBatchIfNewer(ctx context.Context, ops []Op, prior []Prior) error
}
