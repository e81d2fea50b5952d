// Package antientropy replicates a strata.Store: replicas of the same key
// space keep each other aligned by anti-entropy, over a transport that the
// caller supplies.
//
// # Wiring
//
// A Replica wraps a *strata.Store and a Transport (Broadcast to every
// peer, Request to one peer). The caller hands what arrives from the
// network to Replica.HandleBroadcast and Replica.HandleRequest, and runs
// Replica.Run, which publishes the replica's digest once per interval:
//
//	client := httptransport.NewClient("east", map[string]string{"west": "https://west.example/replication"}, nil, 0)
//	r, err := antientropy.New(store, client, &antientropy.Options{ID: "east"})
//	...
//	mux.Handle("/replication/", httptransport.NewHandler(r, nil))
//	go r.Run(ctx)
//
// Package memtransport connects replicas in one process (tests,
// simulations, benchmarks); package httptransport connects processes over
// net/http. Any other transport (a Zenoh session, a message bus) needs only
// the two methods of Transport.
//
// # Protocol
//
// The replica keeps a log of the latest event per key (key, timestamp,
// put or delete) plus wildcard deletes as events of their own, fed by the
// store's change feed (Store.Watch) and rebuilt at start from a
// metadata-only scan. Time is cut into intervals (Options.Interval) and
// sub-intervals; each event falls in one by its timestamp. A fingerprint
// is the sum modulo 2^64 of the 64-bit BLAKE3 hashes of (key, timestamp,
// action) of a set of events, so adding or removing an event costs O(1).
//
// Once per interval, after the boundary plus PropagationDelay, a replica
// broadcasts a digest: one fingerprint for the cold era (everything older
// than Hot+Warm intervals), one per warm interval, one per hot
// sub-interval, and a fingerprint of the configuration. About 500 bytes
// with the defaults, whatever the number of keys.
//
// A replica that receives a digest different from its own pulls from the
// sender: it asks about the nodes that differ (the cold era, a warm
// interval, a hot sub-interval); the peer answers with their events when
// they are few, otherwise with the fingerprints of their children (groups
// of intervals or sub-intervals, sub-intervals, or hash buckets of a
// crowded sub-interval), and the replica descends only where fingerprints
// differ. With a node that holds many events, the replica sends its own
// fingerprints of parts of it, cut where its events are evenly spread,
// and the peer answers only about the parts that differ: each round trip
// descends two levels, and one difference anywhere in a million keys
// converges in four round trips, the digest's included. Of the peer's
// events, only those newer than the local event for their key are wanted:
// deletes and wildcard deletes are applied from the metadata alone, puts
// are fetched, once each. Where the replica holds nothing at all (a new,
// empty replica), it pulls the samples of the node directly, page by page
// with a cursor, and resumes an interrupted transfer at the next
// alignment. Everything received is applied with Store.Apply, so
// last-writer-wins and wildcard deletes hold as for local writes. Both
// directions are covered because each replica pulls on the other's digest.
//
// Messages are bytes in one versioned binary encoding (varints, key
// prefixes shared, time deltas, clock IDs by index into a per-message
// table); every message and reply is at most Options.MaxMessageSize bytes.
//
// # Errors
//
// Errors wrap the sentinels of this package with %w: ErrInvalidOptions
// from New, ErrConfigMismatch when a peer replicates with another
// configuration (the key expression, strip prefix, era parameters or
// tombstone lifespan differ; the replicas never align, the mismatch is
// logged and counted in Stats.ConfigMismatches), ErrMalformed for a
// message that cannot be decoded, and ErrClosed after Close. Transport and
// store errors are wrapped as they come. Samples that the store refuses
// (outside its key expression, invalid, from too far in the future) are
// skipped and counted in Stats.Refused; they do not fail an alignment.
//
// # Concurrency
//
// A Replica is safe for concurrent use. HandleBroadcast aligns with the
// sender before it returns (so a transport should call it from a goroutine
// of its own, as httptransport does), and skips the alignment if one with
// the same peer is under way. The Watch hook runs inside every write of
// the store, under a mutex of the log, and costs well under a
// microsecond.
//
// # Caveats
//
// Deletes are remembered by the store for its TombstoneLifespan; the log
// forgets them on the same schedule, by timestamp, so that replicas agree.
// A replica partitioned for longer than the lifespan may resurrect data
// whose delete it missed (as with Cassandra's gc_grace). Replicas must
// agree on their configuration, and their clocks must stay within the HLC
// drift bound (hlc.Options.MaxDelta) of each other, or samples from the
// faster one are refused until the slower catches up.
//
// What is replicated is the store's latest state per key: values,
// encodings, tombstones and wildcard deletes, with their timestamps. Not
// replicated: the history of a key, the store's options, and values larger
// than what fits in one message (MaxMessageSize; counted in
// Stats.TooLarge). Samples written in the current interval reach peers
// after it ends, at the next digest: about one to two intervals of delay.
package antientropy
