// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package metrics

import "github.com/stratakv/strata/antientropy"

// replicaMetrics lists the series of a ReplicaCollector, one per field of
// antientropy.Stats.
var replicaMetrics = []metric[antientropy.Stats]{
	{"messages_sent_total", counter, "Broadcasts, requests and replies sent.", func(s antientropy.Stats) float64 { return float64(s.MessagesSent) }},
	{"messages_received_total", counter, "Broadcasts, requests and replies received.", func(s antientropy.Stats) float64 { return float64(s.MessagesReceived) }},
	{"sent_bytes_total", counter, "Bytes of the messages sent.", func(s antientropy.Stats) float64 { return float64(s.BytesSent) }},
	{"received_bytes_total", counter, "Bytes of the messages received.", func(s antientropy.Stats) float64 { return float64(s.BytesReceived) }},
	{"digests_sent_total", counter, "Digests broadcast.", func(s antientropy.Stats) float64 { return float64(s.DigestsSent) }},
	{"digests_received_total", counter, "Digests received, broadcast or requested.", func(s antientropy.Stats) float64 { return float64(s.DigestsReceived) }},
	{"alignments_total", counter, "Alignments with a peer that completed.", func(s antientropy.Stats) float64 { return float64(s.Alignments) }},
	{"alignments_failed_total", counter, "Alignments with a peer that ended with an error.", func(s antientropy.Stats) float64 { return float64(s.AlignmentsFailed) }},
	{"samples_fetched_total", counter, "Samples received from peers, values included.", func(s antientropy.Stats) float64 { return float64(s.SamplesFetched) }},
	{"deletes_from_metadata_total", counter, "Deletes applied from event metadata alone.", func(s antientropy.Stats) float64 { return float64(s.DeletesFromMeta) }},
	{"samples_applied_total", counter, "Received samples and deletes that changed the store.", func(s antientropy.Stats) float64 { return float64(s.SamplesApplied) }},
	{"outdated_total", counter, "Received samples the store already had newer.", func(s antientropy.Stats) float64 { return float64(s.Outdated) }},
	{"refused_total", counter, "Received samples the store refused: out of scope, invalid, or from the future.", func(s antientropy.Stats) float64 { return float64(s.Refused) }},
	{"config_mismatches_total", counter, "Messages from peers with another replication configuration.", func(s antientropy.Stats) float64 { return float64(s.ConfigMismatches) }},
	{"malformed_messages_total", counter, "Messages that could not be decoded.", func(s antientropy.Stats) float64 { return float64(s.Malformed) }},
	{"too_large_samples_total", counter, "Samples not replicated: values beyond the value size limit, keys or encodings too long for one message.", func(s antientropy.Stats) float64 { return float64(s.TooLarge) }},
	{"pushes_sent_total", counter, "Push messages broadcast.", func(s antientropy.Stats) float64 { return float64(s.PushesSent) }},
	{"pushed_samples_total", counter, "Samples of local writes sent in push messages.", func(s antientropy.Stats) float64 { return float64(s.SamplesPushed) }},
	{"push_dropped_samples_total", counter, "Samples of local writes not pushed because the push buffer was full (alignment repairs them).", func(s antientropy.Stats) float64 { return float64(s.PushDropped) }},
	{"push_too_large_samples_total", counter, "Samples of local writes not pushed because their key does not fit a push message.", func(s antientropy.Stats) float64 { return float64(s.PushTooLarge) }},
	{"pushes_received_total", counter, "Push messages received from peers.", func(s antientropy.Stats) float64 { return float64(s.PushesReceived) }},
	{"received_pushed_samples_total", counter, "Samples received in push messages.", func(s antientropy.Stats) float64 { return float64(s.SamplesPushedIn) }},
	{"value_chunks_received_total", counter, "Chunks of large values received.", func(s antientropy.Stats) float64 { return float64(s.Chunks) }},
	{"value_chunk_received_bytes_total", counter, "Bytes of value received in chunks of large values.", func(s antientropy.Stats) float64 { return float64(s.ChunkBytes) }},
	{"request_retries_total", counter, "Requests sent again after a lost request or reply.", func(s antientropy.Stats) float64 { return float64(s.Retries) }},
	{"alignments_work_capped_total", counter, "Alignments stopped at their work cap (a peer that answers without end).", func(s antientropy.Stats) float64 { return float64(s.WorkCapped) }},
	{"digests_skipped_total", counter, "Digests not published because the previous one was still being published.", func(s antientropy.Stats) float64 { return float64(s.PublishSkipped) }},
	{"log_events", gauge, "Events in the replication log now.", func(s antientropy.Stats) float64 { return float64(s.LogEvents) }},
}

// ReplicaCollector is a prometheus.Collector of the statistics of one
// Replica, under the subsystem "replica": strata_replica_messages_sent_total
// and so on. Create it with NewReplicaCollector; it is safe for concurrent
// use.
type ReplicaCollector struct {
	collector[antientropy.Stats]
}

// NewReplicaCollector returns a collector of replica's statistics
// (Replica.Stats), configured by opts; nil opts means the defaults.
// Register it with a prometheus.Registerer. It panics if replica is nil.
func NewReplicaCollector(replica *antientropy.Replica, opts *Options) *ReplicaCollector {
	if replica == nil {
		panic("metrics: NewReplicaCollector with a nil *antientropy.Replica")
	}
	return &ReplicaCollector{newCollector("replica", replica.Stats, replicaMetrics, opts)}
}
