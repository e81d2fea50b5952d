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
// ErrInvalidSample and ErrIncompatible, and the backend's errors, for
// errors.Is. No input makes a Store panic.
//
// # Concurrency
//
// A Store is safe for concurrent use. Writers of one key are serialized by
// a striped lock; writers of different keys run in parallel. A backend with
// conditional writes (backend.Conditional, e.g. S3) is written with them, so
// that stores in several processes over one bucket keep last-writer-wins.
//
// # Caveats
//
// Watch callbacks run inside the write, with the key locked: they must be
// quick and must not write to the store. Close waits for operations in
// flight, running Get loops included.
package strata
