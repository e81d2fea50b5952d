// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// fuzzSeeds are valid messages of every kind.
func fuzzSeeds(t testing.TB) [][]byte {
	c := testConfig(t)
	nodes := testNodes()
	d := digest{L: 177000, cold: 5, warm: make([]fingerprint, c.Warm), hot: make([]fingerprint, c.Hot*c.SubIntervals)}
	d.hot[3] = 9
	x := &exploreReply{cfg: c}
	x.add(nodes[0], answer{children: []child{{node: rangeNode(10, 20), fp: 1, count: 100}}}, DefaultMaxMessageSize)
	within := subNode(c.firstSub(nodes[1].lo) + 3)
	x.add(nodes[1], answer{within: &within, children: []child{{node: bucketNode(within, 7), fp: 4, count: 90}}}, DefaultMaxMessageSize)
	x.add(nodes[2], answer{leaf: true, events: []event{{Key: "demo/a", Timestamp: hlc.Timestamp{Time: c.subStart(nodes[2].lo) + 5, ID: hlc.ID{1}}, Kind: strata.KindPut}}}, DefaultMaxMessageSize)
	w := newSampleWriter()
	w.add(&strata.Sample{Key: "demo/a", Value: []byte("v"), Encoding: "text/plain", Timestamp: hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{1}}, Kind: strata.KindPut})
	w.add(&strata.Sample{Key: "demo/b", Timestamp: hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{2}}, Kind: strata.KindDelete})
	next := pullCursor{node: 1, cursor: cursor{started: true, sub: 7, key: "demo/k"}}
	cc := *c
	cc.fp = testFPValue
	cnodes := testCompareNodes(c)
	cr := &compareReply{x: exploreReply{cfg: c}}
	cr.addNode(0, []partAnswer{{node: cnodes[0].node, answer: answer{children: []child{{node: rangeNode(10, 20), fp: 1, count: 100}}}}}, []int{0}, 0, DefaultMaxMessageSize)
	pw := newSampleWriter()
	pw.add(&strata.Sample{Key: "demo/a", Value: []byte("v"), Timestamp: hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{1}}, Kind: strata.KindPut})
	pw.addLarge(&strata.Sample{Key: "demo/big", Timestamp: hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{1}}, Kind: strata.KindPut}, 5<<20)
	chunkReply := appendHeader(nil, msgChunkReply, testHdr)
	chunkReply = append(chunkReply, 1, 10, 4, 't', 'e', 'x', 't', 3, 'a', 'b', 'c')
	cr.addNode(1, []partAnswer{{node: cnodes[1].parts[1].node, answer: answer{leaf: true, events: []event{{Key: "demo/a", Timestamp: hlc.Timestamp{Time: c.subStart(cnodes[1].parts[1].node.lo) + 5, ID: hlc.ID{1}}, Kind: strata.KindPut}}}}}, []int{1}, len(cnodes[1].parts), DefaultMaxMessageSize)
	return [][]byte{
		appendDigest(nil, testHdr, d),
		appendHeader(nil, msgDigestRequest, testHdr),
		appendExplore(nil, testHdr, 177000, nodes),
		x.encode(testHdr),
		appendFetch(nil, testHdr, []string{"demo/a", "demo/ab"}),
		appendFetchReply(nil, testHdr, 2, w),
		appendPull(nil, testHdr, 177000, next, nodes, false),
		appendPullReply(nil, testHdr, w, &next),
		appendCompare(nil, &cc, 177000, cnodes),
		cr.encode(testHdr),
		pw.append(appendHeader(nil, msgPush, testHdr)),
		appendChunk(nil, testHdr, "demo/big", hlc.Timestamp{Time: 1 << 40, ID: hlc.ID{1}}, 1<<20),
		chunkReply,
	}
}

// FuzzDecode feeds arbitrary bytes to every decoder: none may panic, and
// what decodes must be bounded by the input.
func FuzzDecode(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	c := testConfig(f)
	nodes := testNodes()
	f.Fuzz(func(t *testing.T, msg []byte) {
		kind, _, r := readHeader(msg, DefaultMaxMessageSize)
		if r.err != nil {
			return
		}
		switch kind {
		case msgDigest:
			readDigest(r, c.Warm, c.Hot*c.SubIntervals)
		case msgExplore:
			_, ns := readExplore(r)
			if len(ns) > len(msg) {
				t.Fatalf("%d nodes from %d bytes", len(ns), len(msg))
			}
		case msgExploreReply:
			readExploreReply(r, c, nodes)
		case msgFetch:
			readFetch(r)
		case msgFetchReply:
			readFetchReply(r, 10)
		case msgPull:
			readPull(r)
		case msgPullReply:
			readPullReply(r, len(nodes), false)
		case msgCompare:
			_, ns := readCompare(r, c)
			if len(ns) > len(msg) {
				t.Fatalf("%d nodes from %d bytes", len(ns), len(msg))
			}
		case msgCompareReply:
			readCompareReply(r, c, testCompareNodes(c))
		case msgPush:
			samples, large := readSamples(r, false)
			r.end()
			if len(samples)+len(large) > len(msg) {
				t.Fatalf("%d samples from %d bytes", len(samples)+len(large), len(msg))
			}
		case msgChunk:
			readChunk(r)
		case msgChunkReply:
			readChunkReply(r)
		}
	})
}

// FuzzHandleRequest hands arbitrary requests, with a valid header, to a
// replica: it must answer or fail, never panic, and its replies stay
// within the size bound.
func FuzzHandleRequest(f *testing.F) {
	s := newTestStore(f, "demo/**")
	ctx := context.Background()
	for i := range 50 {
		_, _ = s.Put(ctx, "demo/k/"+strconv.Itoa(i), []byte("value"))
	}
	// A history deep enough for the time index to have inner nodes:
	// events spread over a day, a crowded sub-interval, deletes.
	now := s.Clock().Now().Time
	for i := range 3000 {
		at := now - hlc.FromDuration(time.Duration(i)*30*time.Second)
		if i%2 == 0 {
			at = now - hlc.FromDuration(time.Hour) + hlc.NTP64(i)
		}
		kind := strata.KindPut
		if i%7 == 0 {
			kind = strata.KindDelete
		}
		_, _ = s.Apply(ctx, strata.Sample{Key: "demo/h/" + strconv.Itoa(i), Value: []byte("v"), Kind: kind,
			Timestamp: hlc.Timestamp{Time: at, ID: hlc.ID{0xee}}})
	}
	r, err := New(s, nopTransport{}, &Options{MaxMessageSize: MinMessageSize})
	if err != nil {
		f.Fatal(err)
	}
	hl := len(appendHeader(nil, 0, testHdr))
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed[hl:], seed[1])
	}
	f.Fuzz(func(t *testing.T, b []byte, kind byte) {
		msg := append(appendHeader(nil, msgKind(kind), r.cfg.hdr()), b...)
		reply, err := r.HandleRequest(ctx, "fuzz", msg)
		if err == nil && len(reply) > MinMessageSize {
			t.Fatalf("reply of %d bytes", len(reply))
		}
	})
}

// FuzzHandleBroadcast hands arbitrary broadcasts (pushes and digests),
// with a valid header, to a replica: it must apply or refuse them, never
// panic.
func FuzzHandleBroadcast(f *testing.F) {
	s := newTestStore(f, "demo/**")
	r, err := New(s, nopTransport{}, &Options{MaxMessageSize: MinMessageSize, RequestTimeout: time.Millisecond})
	if err != nil {
		f.Fatal(err)
	}
	hl := len(appendHeader(nil, 0, testHdr))
	for _, seed := range fuzzSeeds(f) {
		if k := msgKind(seed[1]); k == msgPush || k == msgDigest {
			f.Add(seed[hl:], seed[1])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, kind byte) {
		msg := append(appendHeader(nil, msgKind(kind), r.cfg.hdr()), b...)
		_ = r.HandleBroadcast(context.Background(), "fuzz", msg)
	})
}

type nopTransport struct{}

func (nopTransport) Broadcast(context.Context, []byte) error { return nil }
func (nopTransport) Request(context.Context, string, []byte) ([]byte, error) {
	return nil, ErrClosed
}

// TestWriteFuzzCorpus writes the seeds as a committed corpus when
// ANTIENTROPY_WRITE_CORPUS is set.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("ANTIENTROPY_WRITE_CORPUS") == "" {
		t.Skip("set ANTIENTROPY_WRITE_CORPUS=1 to rewrite testdata/fuzz")
	}
	for k, seed := range fuzzSeeds(t) {
		write := func(target, content string) {
			dir := filepath.Join("testdata", "fuzz", target)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "seed"+strconv.Itoa(k)), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("FuzzDecode", "go test fuzz v1\n[]byte("+strconv.Quote(string(seed))+")\n")
		if k := msgKind(seed[1]); k == msgPush || k == msgDigest {
			write("FuzzHandleBroadcast", "go test fuzz v1\n[]byte("+strconv.Quote(string(seed[len(appendHeader(nil, 0, testHdr)):]))+")\nbyte("+strconv.QuoteRune(rune(seed[1]))+")\n")
		}
		write("FuzzHandleRequest", "go test fuzz v1\n[]byte("+strconv.Quote(string(seed[len(appendHeader(nil, 0, testHdr)):]))+")\nbyte("+strconv.QuoteRune(rune(seed[1]))+")\n")
	}
}
