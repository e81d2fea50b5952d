// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import "sync/atomic"

// Stats is a snapshot of a Replica's counters since New, for logs and for
// adapters to Prometheus or OpenTelemetry.
type Stats struct {
	MessagesSent     uint64 // broadcasts, requests and replies sent
	MessagesReceived uint64 // broadcasts, requests and replies received
	BytesSent        uint64 // bytes of the messages sent
	BytesReceived    uint64 // bytes of the messages received
	DigestsSent      uint64 // digests broadcast
	DigestsReceived  uint64 // digests received (broadcast or requested)
	Alignments       uint64 // alignments with a peer that completed
	AlignmentsFailed uint64 // alignments that ended with an error
	SamplesFetched   uint64 // samples received from peers, values included
	DeletesFromMeta  uint64 // deletes applied from event metadata alone
	SamplesApplied   uint64 // received samples and deletes that changed the store
	Outdated         uint64 // received samples the store already had newer
	Refused          uint64 // received samples the store refused (out of scope, invalid, from the future)
	ConfigMismatches uint64 // messages from peers with another configuration
	Malformed        uint64 // messages that could not be decoded
	TooLarge         uint64 // values beyond MaxValueSize on a peer, and keys or encodings too long for one message: not replicated
	Retries          uint64 // requests sent again after a lost request or reply
	WorkCapped       uint64 // alignments stopped at their work cap (a peer that answers without end)
	PublishSkipped   uint64 // digests Run skipped because the previous one was still being published
	LogEvents        uint64 // events in the log now
	PushesSent       uint64 // push messages broadcast
	SamplesPushed    uint64 // samples of local writes sent in push messages
	PushDropped      uint64 // samples of local writes not pushed: the push buffer was full (alignment repairs)
	PushTooLarge     uint64 // samples of local writes not pushed: a key too long for one push message (alignment repairs what it can)
	PushesReceived   uint64 // push messages received from peers
	SamplesPushedIn  uint64 // samples received in push messages
	Chunks           uint64 // chunks of large values received
	ChunkBytes       uint64 // bytes of value in those chunks
}

type counters struct {
	msgSent, msgRecv, bytesSent, bytesRecv, digestsSent, digestsRecv atomic.Uint64
	alignments, alignFailed, fetched, deletesMeta, applied, outdated atomic.Uint64
	refused, mismatches, malformed, tooLarge, retries, workCapped    atomic.Uint64
	publishSkipped                                                   atomic.Uint64
	pushesSent, samplesPushed, pushDropped, pushTooLarge             atomic.Uint64
	pushesRecv, samplesPushedIn, chunks, chunkBytes                  atomic.Uint64
}

func (c *counters) sent(n int) { c.msgSent.Add(1); c.bytesSent.Add(uint64(n)) }
func (c *counters) recv(n int) { c.msgRecv.Add(1); c.bytesRecv.Add(uint64(n)) }

// Stats returns a snapshot of the replica's counters.
func (r *Replica) Stats() Stats {
	c := &r.stats
	return Stats{
		MessagesSent: c.msgSent.Load(), MessagesReceived: c.msgRecv.Load(),
		BytesSent: c.bytesSent.Load(), BytesReceived: c.bytesRecv.Load(),
		DigestsSent: c.digestsSent.Load(), DigestsReceived: c.digestsRecv.Load(),
		Alignments: c.alignments.Load(), AlignmentsFailed: c.alignFailed.Load(),
		SamplesFetched: c.fetched.Load(), DeletesFromMeta: c.deletesMeta.Load(),
		SamplesApplied: c.applied.Load(), Outdated: c.outdated.Load(), Refused: c.refused.Load(),
		ConfigMismatches: c.mismatches.Load(), Malformed: c.malformed.Load(), TooLarge: c.tooLarge.Load(),
		Retries: c.retries.Load(), WorkCapped: c.workCapped.Load(), PublishSkipped: c.publishSkipped.Load(),
		LogEvents:  uint64(r.log.size()),
		PushesSent: c.pushesSent.Load(), SamplesPushed: c.samplesPushed.Load(), PushDropped: c.pushDropped.Load(),
		PushTooLarge: c.pushTooLarge.Load(), PushesReceived: c.pushesRecv.Load(), SamplesPushedIn: c.samplesPushedIn.Load(),
		Chunks: c.chunks.Load(), ChunkBytes: c.chunkBytes.Load(),
	}
}
