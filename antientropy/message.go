// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// Every message starts with a header: the protocol version (1 byte), the
// message kind (1 byte), the sender's configuration fingerprint (8
// bytes, little-endian) and the sender's MaxMessageSize (uvarint): a
// responder sizes its reply by the smaller of its own limit and the
// requester's, and a requester sizes its requests by the smaller of its
// own and the one the peer's digest carried. The body depends on the
// kind:
//
//	digest         reference L (zigzag varint), fingerprints of the cold
//	               era, the warm intervals and the hot sub-intervals
//	               (count, presence bitmap, the non-zero ones)
//	digestRequest  empty: the reply is a digest
//	explore        L, nodes; the reply answers the first nodes in order,
//	               each with its events or its children's fingerprints
//	fetch          keys; the reply holds the current samples of the first
//	               keys, values included
//	pull           L, a cursor, nodes; the reply holds the samples of the
//	               nodes' events from the cursor on, and the next cursor
//	compare        L, nodes, each with the requester's fingerprints of
//	               parts that tile it, or no parts and possibly the short
//	               hashes of the requester's events in it (listing.go);
//	               the reply answers, for the first nodes in order, each
//	               part whose fingerprint differs (or the node itself) as
//	               explore does, a listing leaving out the events whose
//	               short hashes were sent, and says how many nodes it
//	               answered whole and how many parts of the next one
//	chunk          key, timestamp, offset: the reply holds part of a
//	               large value (chunk.go)
//	push           samples of local writes, values included, as in a
//	               fetch reply (broadcast; no reply)
//
// Keys in a list are sorted and written as the length of the prefix shared
// with the previous key plus the rest; times are zigzag varint deltas from
// the previous time; clock IDs are indices into a table at the start of
// the message.
//
// Version 3 added the sender's limit to the header, answers of a compare
// reply that stop inside a node, and the pull request's mode (samples, or
// events only). Version 4 added push messages, markers of large values in
// lists of samples (the encoding index is shifted left one bit; the low
// bit marks a value that comes in chunks) and chunk requests (chunk.go).
// Version 5 added the short hashes of a compare request's nodes (the
// count of parts is shifted left one bit; the low bit marks short hashes
// instead of parts). Versions do not talk to each other.
const protocolVersion = 5

type msgKind byte

const (
	msgDigest        msgKind = 1
	msgDigestRequest msgKind = 2
	msgExplore       msgKind = 3
	msgExploreReply  msgKind = 4
	msgFetch         msgKind = 5
	msgFetchReply    msgKind = 6
	msgPull          msgKind = 7
	msgPullReply     msgKind = 8
	msgCompare       msgKind = 9
	msgCompareReply  msgKind = 10
	msgPush          msgKind = 11
	msgChunk         msgKind = 12
	msgChunkReply    msgKind = 13
)

// headerSize bounds the size of a header.
const headerSize = 15

// maxLimit is the largest MaxMessageSize.
const maxLimit = 1 << 30

// hdr is what a sender puts in every header besides the kind: its
// configuration fingerprint and its message limit.
type hdr struct {
	fp    uint64
	limit int
}

func (c *config) hdr() hdr { return hdr{fp: c.fp, limit: c.MaxMessageSize} }

func appendHeader(b []byte, kind msgKind, h hdr) []byte {
	b = append(b, protocolVersion, byte(kind))
	b = appendFP(b, h.fp)
	return binary.AppendUvarint(b, uint64(h.limit))
}

// readHeader checks the version and size of msg and returns its kind and
// configuration fingerprint, and a reader of its body whose peerLimit is
// the sender's message limit.
func readHeader(msg []byte, maxSize int) (msgKind, uint64, *reader) {
	r := newReader(msg)
	if len(msg) > maxSize {
		r.fail("message of %d bytes exceeds %d", len(msg), maxSize)
		return 0, 0, r
	}
	if v := r.byte(); r.err == nil && v != protocolVersion {
		r.fail("protocol version %d, want %d", v, protocolVersion)
	}
	kind := msgKind(r.byte())
	fp := r.fp()
	limit := r.uvarint()
	if r.err == nil && (limit < MinMessageSize || limit > maxLimit) {
		r.fail("message limit %d outside [%d, %d]", limit, MinMessageSize, maxLimit)
	}
	r.peerLimit = int(limit)
	return kind, fp, r
}

// idTable numbers the clock IDs of a message.
type idTable struct {
	ids   []hlc.ID
	index map[hlc.ID]int
}

func (t *idTable) of(id hlc.ID) int {
	if n := len(t.ids); n > 0 && t.ids[n-1] == id {
		return n - 1 // the common case: a run of one clock's samples
	}
	if t.index == nil {
		t.index = map[hlc.ID]int{}
	}
	i, ok := t.index[id]
	if !ok {
		i = len(t.ids)
		t.ids = append(t.ids, id)
		t.index[id] = i
	}
	return i
}

func (t *idTable) size() int { return 3 + 17*len(t.ids) }

func (t *idTable) append(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(t.ids)))
	for _, id := range t.ids {
		raw := id[:id.Len()]
		b = append(b, byte(len(raw)))
		b = append(b, raw...)
	}
	return b
}

func readIDs(r *reader) []hlc.ID {
	n := r.count(2)
	ids := make([]hlc.ID, 0, n)
	for range n {
		l := int(r.byte())
		raw := r.bytes(l)
		if r.err != nil {
			return nil
		}
		id, err := hlc.NewID(raw)
		if err != nil || id.Len() != l {
			r.fail("bad clock ID %x", raw)
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

// eventWriter writes a list of events (or samples) sharing key prefixes
// and time deltas with the previous one.
type eventWriter struct {
	ids      *idTable
	prevKey  string
	prevTime hlc.NTP64
}

func (w *eventWriter) appendEvent(b []byte, key string, ts hlc.Timestamp, kind strata.Kind) []byte {
	b = appendKey(b, w.prevKey, key)
	b = binary.AppendUvarint(b, zigzag(int64(ts.Time-w.prevTime)))
	idKind := uint64(w.ids.of(ts.ID)) << 1
	if kind == strata.KindDelete {
		idKind |= 1
	}
	b = binary.AppendUvarint(b, idKind)
	w.prevKey, w.prevTime = key, ts.Time
	return b
}

type eventReader struct {
	ids      []hlc.ID
	prevKey  string
	prevTime hlc.NTP64
}

func (er *eventReader) read(r *reader) (string, hlc.Timestamp, strata.Kind) {
	key := r.key(er.prevKey)
	t := er.prevTime + hlc.NTP64(unzigzag(r.uvarint()))
	idKind := r.int(2*len(er.ids) - 1)
	if r.err != nil {
		return "", hlc.Timestamp{}, 0
	}
	if len(er.ids) == 0 {
		r.fail("clock ID without a table")
		return "", hlc.Timestamp{}, 0
	}
	kind := strata.KindPut
	if idKind&1 == 1 {
		kind = strata.KindDelete
	}
	er.prevKey, er.prevTime = key, t
	return key, hlc.Timestamp{Time: t, ID: er.ids[idKind>>1]}, kind
}

// Nodes.

func appendNode(b []byte, n node) []byte {
	b = append(b, byte(n.kind))
	b = binary.AppendUvarint(b, uint64(n.lo))
	if n.kind == nodeRange || n.kind == nodeSubs {
		return binary.AppendUvarint(b, uint64(n.hi-n.lo))
	}
	b = append(b, n.bits)
	return binary.AppendUvarint(b, n.prefix)
}

const maxIndex = 1 << 50 // interval and sub-interval numbers, well beyond any NTP64 time

func readNode(r *reader) node {
	n := node{kind: nodeKind(r.byte())}
	n.lo = int64(r.int(maxIndex))
	switch n.kind {
	case nodeRange:
		n.hi = n.lo + int64(r.int(maxIndex))
	case nodeSubs:
		n.hi = n.lo + int64(r.int(maxIndex))
		if n.hi == n.lo && r.err == nil {
			r.fail("empty range of sub-intervals at %d", n.lo)
		}
	case nodeSub:
		n.hi = n.lo
		n.bits = r.byte()
		n.prefix = r.uvarint()
		if n.bits > maxHashBits || n.bits%hashBits != 0 || (n.bits < 64 && n.prefix>>n.bits != 0) {
			r.fail("bad hash bucket %d/%d", n.prefix, n.bits)
		}
	default:
		r.fail("bad node kind %d", n.kind)
	}
	return n
}

func readNodes(r *reader) []node {
	n := r.count(3)
	nodes := make([]node, 0, n)
	for range n {
		nodes = append(nodes, readNode(r))
		if r.err != nil {
			return nil
		}
	}
	return nodes
}

// Samples: what fetch and pull replies carry. After the clock IDs comes a
// table of encodings, then the samples, each an event plus, for a put,
// its encoding's index and its value.

type sampleWriter struct {
	eventsOnly bool // puts without encoding nor value
	body       []byte
	ids        idTable
	encs       []string
	encIx      map[string]int
	ev         eventWriter
	n          int
}

func newSampleWriter() *sampleWriter {
	w := &sampleWriter{encIx: map[string]int{}}
	w.ev.ids = &w.ids
	return w
}

// reset empties w for another message, keeping what it allocated.
func (w *sampleWriter) reset() {
	w.body = w.body[:0]
	w.ids.ids = w.ids.ids[:0]
	clear(w.ids.index)
	clear(w.encs)
	w.encs = w.encs[:0]
	clear(w.encIx)
	w.ev.prevKey, w.ev.prevTime = "", 0
	w.n = 0
}

// size is an upper bound of the encoded size so far.
func (w *sampleWriter) size() int {
	n := w.ids.size() + 3 + len(w.body) + 3
	for _, e := range w.encs {
		n += 3 + len(e)
	}
	return n
}

// sampleSize bounds the encoded size of smp, tables included.
func sampleSize(smp *strata.Sample) int {
	return 3*binary.MaxVarintLen64 + 2*len(smp.Key) + len(smp.Value) + len(smp.Encoding) + 17 + 6
}

func (w *sampleWriter) add(smp *strata.Sample) {
	w.body = w.ev.appendEvent(w.body, smp.Key, smp.Timestamp, smp.Kind)
	if smp.Kind == strata.KindPut && !w.eventsOnly {
		i, ok := 0, len(w.encs) > 0 && w.encs[0] == smp.Encoding
		if !ok {
			i, ok = w.encIx[smp.Encoding]
		}
		if !ok {
			i = len(w.encs)
			w.encs = append(w.encs, smp.Encoding)
			w.encIx[smp.Encoding] = i
		}
		w.body = binary.AppendUvarint(w.body, uint64(i)<<1)
		w.body = appendString(w.body, smp.Value)
	}
	w.n++
}

// largeSize bounds the encoded size of smp as a large value's marker.
func largeSize(smp *strata.Sample) int {
	return 4*binary.MaxVarintLen64 + 2*len(smp.Key) + 17
}

// addLarge adds a put whose value does not fit as a marker: its event
// and the size of its value, which the receiver fetches in chunks.
func (w *sampleWriter) addLarge(smp *strata.Sample, size int) {
	w.body = w.ev.appendEvent(w.body, smp.Key, smp.Timestamp, strata.KindPut)
	w.body = append(w.body, 1)
	w.body = binary.AppendUvarint(w.body, uint64(size))
	w.n++
}

// maxValueSize bounds the size a large value's marker may announce.
const maxValueSize = 64 * maxLimit

func (w *sampleWriter) append(b []byte) []byte {
	b = w.ids.append(b)
	b = binary.AppendUvarint(b, uint64(len(w.encs)))
	for _, e := range w.encs {
		b = appendString(b, e)
	}
	b = binary.AppendUvarint(b, uint64(w.n))
	return append(b, w.body...)
}

// readSamples decodes what a sampleWriter wrote; with eventsOnly, puts
// come without encoding nor value. The markers of large values come
// apart, in large.
func readSamples(r *reader, eventsOnly bool) (samples []strata.Sample, large []largeValue) {
	er := eventReader{ids: readIDs(r)}
	nEnc := r.count(1)
	encs := make([]string, 0, nEnc)
	for range nEnc {
		encs = append(encs, r.string())
	}
	n := r.count(4)
	out := make([]strata.Sample, 0, n)
	for range n {
		key, ts, kind := er.read(r)
		smp := strata.Sample{Key: key, Timestamp: ts, Kind: kind}
		if kind == strata.KindPut && !eventsOnly {
			v := r.uvarint()
			if v&1 == 1 {
				if v != 1 {
					r.fail("bad large value marker %d", v)
				}
				size := r.int(maxValueSize)
				if r.err != nil {
					return nil, nil
				}
				large = append(large, largeValue{key: key, ts: ts, size: size})
				continue
			}
			if r.err == nil && (len(encs) == 0 || v>>1 >= uint64(len(encs))) {
				r.fail("encoding %d of a table of %d", v>>1, len(encs))
			}
			if r.err != nil {
				return nil, nil
			}
			smp.Encoding = encs[v>>1]
			smp.Value = r.bytes(r.count(1))
		}
		if r.err != nil {
			return nil, nil
		}
		out = append(out, smp)
	}
	return out, large
}
