// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/stratakv/strata"
)

// A fetch request names keys whose events are newer on the peer; the
// reply holds the peer's current samples of the first of them, values
// included, as many as fit, and says how many keys it consumed.

func appendFetch(b []byte, h hdr, keys []string) []byte {
	b = appendHeader(b, msgFetch, h)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	prev := ""
	for _, k := range keys {
		b = appendKey(b, prev, k)
		prev = k
	}
	return b
}

// fetchKeysFit returns how many of the sorted keys a fetch request of at
// most maxSize bytes holds.
func fetchKeysFit(keys []string, maxSize int) int {
	size := headerSize + binary.MaxVarintLen64
	prev := ""
	for k, key := range keys {
		size += len(appendKey(nil, prev, key))
		if size > maxSize {
			return k
		}
		prev = key
	}
	return len(keys)
}

func readFetch(r *reader) []string {
	n := r.count(2)
	keys := make([]string, 0, n)
	prev := ""
	for range n {
		prev = r.key(prev)
		if r.err != nil {
			return nil
		}
		keys = append(keys, prev)
	}
	r.end()
	return keys
}

func appendFetchReply(b []byte, h hdr, consumed int, w *sampleWriter) []byte {
	b = appendHeader(b, msgFetchReply, h)
	b = binary.AppendUvarint(b, uint64(consumed))
	return w.append(b)
}

func readFetchReply(r *reader, asked int) (int, []strata.Sample, []largeValue) {
	consumed := r.int(asked)
	samples, large := readSamples(r, false)
	r.end()
	return consumed, samples, large
}

// current reads the sample the store holds for key, tombstones included.
func (rp *Replica) current(ctx context.Context, key string) (strata.Sample, bool, error) {
	for smp, err := range rp.store.Scan(ctx, key, &strata.ScanOptions{Tombstones: true}) {
		if errors.Is(err, strata.ErrInvalidKey) {
			return strata.Sample{}, false, nil
		}
		return smp, err == nil, err
	}
	return strata.Sample{}, false, nil
}

func (rp *Replica) serveFetch(ctx context.Context, r *reader, limit int) ([]byte, error) {
	keys := readFetch(r)
	if r.err != nil {
		return nil, r.err
	}
	w := newSampleWriter()
	budget := limit - headerSize - binary.MaxVarintLen64
	consumed := 0
	for _, key := range keys {
		if isWild(key) {
			consumed++
			continue
		}
		smp, ok, err := rp.current(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("antientropy: fetch %q: %w", key, err)
		}
		if ok && !rp.join(w, &smp, budget) {
			if w.n > 0 {
				return appendFetchReply(nil, rp.cfg.hdr(), consumed, w), nil
			}
			rp.tooLarge(key, &smp, limit)
		}
		consumed++
	}
	return appendFetchReply(nil, rp.cfg.hdr(), consumed, w), nil
}

// join adds smp to the samples of w if it fits within budget bytes:
// whole, or, for a put whose value would not fit even in a list of its
// own, as a marker (its value then goes in chunks). It reports whether
// smp joined.
func (rp *Replica) join(w *sampleWriter, smp *strata.Sample, budget int) bool {
	switch {
	case w.size()+sampleSize(smp) <= budget:
		w.add(smp)
	case smp.Kind == strata.KindPut && !w.eventsOnly && newSampleWriter().size()+sampleSize(smp) > budget &&
		w.size()+largeSize(smp) <= budget:
		w.addLarge(smp, len(smp.Value))
	default:
		return false
	}
	return true
}

func (rp *Replica) tooLarge(key string, smp *strata.Sample, limit int) {
	rp.stats.tooLarge.Add(1)
	rp.cfg.Logger.Warn("antientropy: a sample does not fit in a message (its key or encoding is too long) and is not replicated",
		"replica", rp.cfg.ID, "key", key, "bytes", len(smp.Value), "limit", limit)
}
