// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package strata is an embeddable store for timestamped key/value samples,
// in the style of Eclipse Zenoh's storages.
//
// A Store serves one key expression (Options.KeyExpr, e.g. "demo/**") over
// one backend.Backend: memory.New for tests and demos, rocksdb.Open for a
// local durable store, s3.Open for any S3-compatible object store. Every
// sample carries a hybrid-logical-clock timestamp (package hlc), and the
// latest timestamp wins, per key:
//
//	store, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "demo/**"})
//	ts, err := store.Put(ctx, "demo/robot/1/pose", []byte(`{"x":1}`))
//	for smp, err := range store.Get(ctx, "demo/robot/*/pose") { … }
//	_, err = store.Delete(ctx, "demo/robot/**")
//
// # Semantics
//
// Put and Delete stamp with the store's clock; Apply takes a sample's own
// timestamp, for samples that arrive from a network, after the clock has
// accepted it (hlc.ErrDrift otherwise). A sample as old as or older than
// what the store holds for its key is Outdated and changes nothing.
//
// A delete leaves a tombstone that carries its timestamp, so that an older
// put arriving later cannot resurrect the key, even a key the store never
// saw. A wildcard delete (Delete("demo/a/**")) tombstones every matching
// key and is itself remembered, durably, so that later-arriving older
// samples on any key it matches are Outdated. Deletes are remembered for
// Options.TombstoneLifespan (24 h by default) and then garbage-collected:
// like Cassandra's gc_grace, a replica partitioned for longer than that can
// bring back data whose delete it missed.
//
// Put and Delete always take effect: if the key already holds something at
// or after the clock's time (a peer's sample from up to the clock's drift
// bound ahead, or data written before the wall clock was stepped back), the
// write is stamped again, past it, and the returned timestamp is the one
// stored. After a restart, the clock starts past a high-water mark the
// store saves before it writes any sample from ahead of its physical clock
// (and at Close), so it never issues a timestamp older than one it holds.
//
// A wildcard delete is crash-consistent: it is recorded (as unfinished)
// before it takes effect, readers stop seeing the keys it matches at once,
// and its record is marked finished only when every tombstone it owes is
// written. An unfinished delete (a crash, a cancelled context, a backend
// error) is finished by a retry of the same sample, by the next Open, and
// before garbage collection may forget it, so the values it hid never come
// back. At most Options.MaxWildcardDeletes (10,000) are remembered at once
// (ErrWildcardLimit beyond); each is one metadata record, and they are
// indexed by literal prefix, so a write consults only those that could
// match it.
//
// Lookup reads one concrete key (ErrNotFound when it is missing or
// deleted). Subscribe is the change feed for users: every change whose key
// a selector matches, delivered outside the write path through a bounded
// buffer; a subscriber that falls behind receives ErrLagged and its
// iteration ends, so it never slows a writer. OpenURL opens a store on a
// backend named by URL: "memory:", "rocksdb:///path?create=true",
// "s3://bucket/prefix?endpoint=host:port" (backends register their scheme
// when imported).
//
// Get yields the live samples whose keys a selector matches, in key order,
// with full keys; a concrete selector is one backend lookup, a wildcard one
// scan under the selector's literal prefix. Watch observes every change the
// store applies, in order per key; it is the change feed that the
// replication package antientropy uses.
//
// Key expressions follow Zenoh (package keyexpr): "*" is one chunk, "**"
// any number of chunks, "$*" any part of a chunk, and chunks that start
// with "@" match only themselves.
//
// # Errors
//
// Errors start with "strata:", name the key, and wrap the sentinels
// ErrInvalidKey, ErrOutOfScope, ErrReadOnly, ErrClosed, ErrTooLarge,
// ErrInvalidSample, ErrIncompatible, ErrWildcardLimit, ErrNotFound and
// ErrLagged, and the backend's errors, for
// errors.Is. No input makes a Store panic.
//
// # Concurrency
//
// A Store is safe for concurrent use. Writers of one key are serialized by
// a striped lock; writers of different keys run in parallel. A backend with
// conditional writes (backend.Conditional, e.g. S3) is written with them, so
// that stores in several processes over one bucket keep last-writer-wins.
//
// Keys, wildcard delete expressions and selectors are at most MaxKeyLen
// (4 KiB) bytes; backends may allow less (S3: about 1,000).
//
// # Several processes
//
// Over a backend that several processes may open at once (one with
// conditional writes, such as S3), every write is conditional on the state
// it read, so last-writer-wins holds across processes; a write whose
// response was lost and whose retry found it done is reported as applied.
// The configuration record is created only if absent, so two processes
// creating one store at once agree on it. Each process learns of the
// others' wildcard deletes within Options.WildcardRefresh (1 s; it polls
// one small marker record and reads the deletes when it changed): until
// then, it may accept an older put on a key that did not exist when the
// other process's delete ran. Garbage collection erases a tombstone only
// if it is still the one it read, where the backend can make the erase
// conditional (backend.ConditionalRemover).
//
// # Caveats
//
// Watch callbacks run inside the write, with the key locked: they must be
// quick and must not write to the store. A callback that panics leaves no
// lock held; the panic reaches the writer. Close waits for operations in
// flight, running Get loops included.
//
// A replica partitioned for longer than TombstoneLifespan may resurrect
// data whose delete it missed; so may a process that reads another's
// wildcard deletes only after they expired.
package strata
