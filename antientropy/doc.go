// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package antientropy replicates a strata.Store: replicas of the same key
// space keep each other aligned by anti-entropy, over a transport that the
// caller supplies.
//
// # Wiring
//
// A Replica wraps a *strata.Store and a Transport (Broadcast to every
// peer, Request to one peer). The caller hands what arrives from the
// network to Replica.HandleBroadcast and Replica.HandleRequest, and runs
// Replica.Run, which pushes local writes to the peers as they happen and
// publishes the replica's digest once per interval:
//
//	client := httptransport.NewClient("east", map[string]string{"west": "https://west.example/replication"}, nil, 0)
//	r, err := antientropy.New(store, client, &antientropy.Options{ID: "east"})
//	...
//	mux.Handle("/replication/", httptransport.NewHandler(r, nil))
//	go r.Run(ctx)
//
// # Transports and their security
//
// Package memtransport connects replicas in one process (tests,
// simulations, benchmarks), with seeded loss, duplication, partitions and
// delay. Package httptransport connects processes over net/http: each
// message is a POST, broadcasts go to every peer through a queue of its
// own (a slow or silent peer fills its queue and loses its broadcasts,
// never delaying the others), and every call has a deadline. It
// authenticates peers by mutual TLS, by a shared secret that signs every
// message and reply (HMAC over the body, the names, a timestamp and a
// nonce: replays are refused, and the signature holds through a proxy
// that terminates TLS), or both; a refused message is answered 401 or 403
// before the replica sees it. Package natstransport carries the messages
// over NATS: broadcasts on a subject per key space, requests by
// request-reply to a subject per replica, with the credentials, TLS and
// reconnection of the caller's NATS connection, and messages sized to its
// max payload. Any other transport (a Zenoh session, another bus) needs
// only the two methods of Transport. This package authenticates nothing
// itself: whoever the transport lets in is a peer (see the threat model);
// what it checks is that every message is well formed, within the limits,
// and from a replica of the same configuration (the configuration
// fingerprint in every header, which covers Options.Secret when it is
// set, so that a replica keyed with another secret is refused).
//
// # Live push, and anti-entropy as repair
//
// Run pushes: the samples the store applies from local writes (Put,
// Delete, and Apply by anyone but the replica itself) are queued by the
// Watch hook and broadcast to every peer in push messages, which the
// peers apply with Store.ApplyBatch, so that last-writer-wins, wildcard
// deletes (clamped to the key expression) and the clock's drift check
// hold as for any write. A write leaves half a millisecond after it (the
// time for a burst to gather in one message), or, while writes keep
// coming, within 2 ms (the sender then sends every 2 ms, fewer and larger
// messages), in messages within the smallest message limit the peers
// announced in their digests. A sample that the
// replica received (by push, fetch or pull) is not pushed again: the
// replica notes the timestamps it is applying and the hook skips them,
// so a full mesh carries each write once from its writer to each peer.
// A pushed sample is in the receiver's log once applied, so the next
// digests agree on it and nothing is fetched again. Pushing never blocks
// a write, and costs it the hook's copy of the sample into a bounded
// buffer (four messages' worth), without allocation, plus the sender's
// work on the same cores (encoding, a wake-up per batch, and one
// allocation per message unless the transport implements BroadcastCopier,
// as this module's do: then one buffer serves every message): about 1.03
// to 1.12 times the put latency without push, median 1.04, on two cores
// (docs/performance.md). When the buffer is full (a burst, a slow
// transport), the sample is dropped and counted in Stats.PushDropped, and
// whatever a push lost, a broadcast that did not arrive or a peer that
// was down, the next digest's alignment repairs. Options.DisablePush
// turns push off; Replica.Push sends what is queued by hand (tests and
// simulations).
//
// # Large values
//
// A value that does not fit in one message (the smaller MaxMessageSize of
// the two peers) goes in a fetch or pull reply, or a push, as a marker:
// its key, timestamp and size. The receiver fetches it in chunks, by
// (key, timestamp, offset), each reply within the limit, and applies it
// whole once it has every byte (Store.Apply takes a value whole): a
// replica assembles at most two values at once, so that its memory is
// bounded by two values of Options.MaxValueSize and a message or two,
// whatever the number of peers and large values. An interrupted transfer
// keeps what it received, and the next alignment with the peer resumes at
// the offset it reached; a newer write of the key on the peer ends it.
// The responder keeps the one value whose chunks it is serving rather
// than read it from the store for each chunk. A value larger than
// Options.MaxValueSize (which should be the store's) is not fetched and
// counts in Stats.TooLarge.
//
// # Protocol
//
// The replica keeps a log of the latest event per key (key, timestamp,
// put or delete) plus wildcard deletes as events of their own, fed by the
// store's change feed (Store.Watch) and rebuilt at start from a
// metadata-only scan (NewContext bounds it with a context). Time is cut
// into intervals (Options.Interval) and sub-intervals; each event falls in
// one by its timestamp. A fingerprint is the sum modulo 2^64 of the
// 64-bit hashes of (key, timestamp, action) of a set of events, so adding
// or removing an event costs O(1); the hash is BLAKE3, keyed with
// Options.Secret when it is set (see the threat model below).
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
// they are few and their listing fits the reply, otherwise with the
// fingerprints of their children (groups of intervals or sub-intervals,
// sub-intervals, or hash buckets of a crowded sub-interval), and the
// replica descends only where fingerprints differ. With a node that
// holds many events, the replica sends its own fingerprints of parts of
// it, cut where its events are evenly spread, and the peer answers only
// about the parts that differ: each round trip descends two levels, and
// one difference anywhere in a million keys converges in four round
// trips, the digest's included. With a node that it expects the peer to
// list (both hold few events there), the replica sends the short hashes
// of its own events in it (32 bits of each event hash mixed with the
// reference, reduced and Rice-coded to about 22 bits each), and the peer
// lists only its events whose short hash is not among them: a
// difference among 50 events costs a listing of one. A
// node whose events lie in one crowded sub-interval (a burst of writes)
// is sent as that sub-interval, with its hash buckets as parts, and the
// rest of the node around it, so that its listings too go with short
// hashes. Of the peer's events, only those newer than the local event
// for their key are wanted: deletes and wildcard deletes are applied
// from the metadata alone, puts are fetched, once each. Where the
// replica holds nothing in a node, it pulls the node page by page with a
// cursor: its events first, compared with the log like any others (the
// log may hold the same keys, newer, in later intervals: a replica that
// is ahead fetches nothing from a lagging peer), and, once most of a
// page is wanted (a new, empty replica, which starts so), the samples
// themselves, values included. Everything received is applied with
// Store.Apply, so last-writer-wins and wildcard deletes hold as for
// local writes. Both directions are covered because each replica pulls
// on the other's digest.
//
// Each request has a deadline (Options.RequestTimeout) and is retried a
// few times; an alignment that still fails keeps what it had left to do
// (nodes to explore and to pull, keys to fetch, a pull's cursor), and the
// next alignment with that peer starts there, so that old differences do
// not starve behind new ones. Run publishes beside its loop, with a
// deadline: a silent peer never delays the digests of the others.
//
// Messages are bytes in one versioned binary encoding (varints, key
// prefixes shared, time deltas, clock IDs by index into a per-message
// table). Every header carries the sender's Options.MaxMessageSize, and
// every request and reply fits the smaller of the two peers' limits:
// replicas with different limits align. Protocol version 5 (this one)
// added the short hashes of compare requests; version 4 added push
// messages and large values in chunks. Versions do not talk to each
// other.
//
// # Threat model
//
// Peers are trusted to hold the data they replicate, not to behave.
// Against a peer (or anyone on the transport, which should authenticate):
// every message is decoded strictly (ErrMalformed: sizes, counts, order,
// duplicates, events outside the node asked about), a reply never exceeds
// the requester's limit, and one alignment's work and memory are capped
// at 65,536 units plus 4 per event of the log (nodes queued, events
// considered; Stats.WorkCapped, logged); samples that a peer sends go to
// the store, which refuses what is outside its key expression, invalid or
// from too far in the future; a wildcard delete is clamped to the store's
// key expression (an expression that covers it, such as "**" on
// "fleet/**", is applied as the store's own; one that only overlaps it
// affects only keys in scope). Against clients that choose keys and timestamps (the users of
// a REST router, say) and peers alike: without Options.Secret, event
// hashes are plain BLAKE3, and a generalized birthday search (seconds of
// CPU for 64-bit sums) finds events whose fingerprints sum to the same
// value as others, so that replicas that differ look aligned for as long
// as both hold them; with a Secret shared by the replicas, the hash is
// keyed and such a collision is a blind guess (2^-64 per try). Short
// hashes derive from the event hashes, keyed alike: an event of the peer
// whose short hash matches one of the replica's by accident (one chance
// in 2^20) is left out of one alignment only, since short hashes change
// with the reference. A peer that holds the secret can still lie about
// its data: it is a replica.
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
// sender before it returns, or applies a push (and fetches its large
// values), so a transport should call it from a goroutine of its own, as
// httptransport does; it skips a digest's alignment if one with the same
// peer is under way. The Watch hook runs inside every write of the store:
// it updates the log under the log's mutex and queues the sample under
// the push buffer's (copying its value), and costs well under a
// microsecond for small values; serving a peer holds the log's mutex for
// one sub-interval's events at a time, and the push loop holds the
// buffer's only to swap the queue for an empty one. Close makes Run
// return, and Run returns once its push loop has.
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
// replicated: the history of a key, the store's options, values larger
// than Options.MaxValueSize, and keys or encodings too long to fit in one
// message with nothing else (counted in Stats.TooLarge). A write whose
// push is lost reaches its peers at the next digest: about one to two
// intervals of delay. A wildcard delete is pushed, not the tombstones it
// writes (each peer writes its own). A local delete of a key made at the
// very moment the replica applies a sample of the same key from a peer is
// not pushed (the hook cannot tell it from the tombstone that the
// received sample may materialize): it reaches the peers at the next
// digest.
//
// A responder reads a large value whole from the store to serve its
// first chunk (the Backend contract has no ranged reads), and keeps one
// such value while its chunks are served; several requesters of
// different large values at once make it read again.
//
// A wildcard delete wider than the store's key expression ("**" on
// "fleet/**") is clamped to it, by the store that issues it and by every
// peer alike; one that overlaps the key expression in part is remembered
// as issued everywhere, and affects only keys in scope.
//
// A sub-interval that holds many events is split by hash buckets, two
// levels per round trip, from an index by hash built when an alignment
// first needs it (16 bytes per event, for such sub-intervals only): one
// difference among 200,000 events of one sub-interval takes 4 round
// trips (two levels of 64 buckets reach listings of up to 80 events:
// beyond about 300,000 events in one sub-interval, a round trip more),
// and 1,000 differences scattered over five such sub-intervals about
// 530 bytes each. A sub-interval of 41 to about 5,000 events is listed
// from its first level of buckets, which go as parts, without short
// hashes: a difference there costs a listing of up to 80 events.
//
// The log takes about 59 bytes per key besides the key, however the keys
// spread over time (ten seconds or a year): a 40-byte entry (the key's
// header, the time, the event hash, the clock and the kind), a slot of
// the key table, and a place in a B+ tree ordered by time whose inner
// nodes keep the sums of their children. The sums of any node, and the
// cuts of a node into children or parts of about as many events each, are
// a few descents of that tree: one difference costs well under a
// millisecond of CPU whether the history is a day or a sparse year.
//
// While serving a fill, a replica holds the log's mutex (which every
// write takes in the Watch hook) for one sub-interval's events at a time,
// or, in a crowded sub-interval, for one page taken from an index of its
// events by key (4 bytes per event, built by the first page that reaches
// it), and yields the processor every few events: writes of the same
// process share the CPU with the fill but do not queue behind it. The
// first page that reaches a crowded sub-interval sorts it under the
// mutex: about 70 ms for 200,000 events, once per fill.
//
// The in-flight window (PropagationDelay) is not adaptive: a write that
// takes longer to reach a peer is repaired at the next digest.
package antientropy
