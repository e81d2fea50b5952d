// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// Large values: a put whose sample does not fit in a reply (or a push)
// goes there as a marker, its event and the size of its value; the
// receiver then fetches the value in chunks, by (key, timestamp, offset),
// each reply within the smaller limit of the two peers. The value is
// assembled in memory, since Store.Apply takes it whole: at most
// maxAssemblies values are assembled at once per replica, and a transfer
// that an error interrupts keeps what it received, so that the next
// alignment resumes it at the offset it reached (the same key and
// timestamp; a newer write on the peer ends it, gone).
//
//	chunk       key, timestamp (time, clock ID), offset
//	chunkReply  0 (gone: the peer holds another sample for the key, or
//	            one that cannot be sent), or 1, the value's size, its
//	            encoding and the bytes from offset on that fit

// largeValue is a put whose value comes in chunks.
type largeValue struct {
	key  string
	ts   hlc.Timestamp
	size int
}

// maxAssemblies bounds the values a replica assembles at once (and keeps
// half received, to resume): the memory they take is at most this many
// times Options.MaxValueSize.
const maxAssemblies = 2

func appendChunk(b []byte, h hdr, key string, ts hlc.Timestamp, offset int) []byte {
	b = appendHeader(b, msgChunk, h)
	b = appendString(b, key)
	b = binary.AppendUvarint(b, uint64(ts.Time))
	raw := ts.ID[:ts.ID.Len()]
	b = append(b, byte(len(raw)))
	b = append(b, raw...)
	return binary.AppendUvarint(b, uint64(offset))
}

func readChunk(r *reader) (string, hlc.Timestamp, int) {
	key := r.string()
	t := hlc.NTP64(r.uvarint())
	l := int(r.byte())
	raw := r.bytes(l)
	offset := r.int(maxLimit * 64)
	r.end()
	if r.err != nil {
		return "", hlc.Timestamp{}, 0
	}
	id, err := hlc.NewID(raw)
	if err != nil || id.Len() != l {
		r.fail("bad clock ID %x", raw)
		return "", hlc.Timestamp{}, 0
	}
	return key, hlc.Timestamp{Time: t, ID: id}, offset
}

// chunkRoom is how many bytes of value a chunk reply within limit holds
// besides the encoding.
func chunkRoom(limit int, encoding string) int {
	return limit - headerSize - 1 - 2*binary.MaxVarintLen64 - len(encoding) - binary.MaxVarintLen64
}

func (rp *Replica) serveChunk(ctx context.Context, r *reader, limit int) ([]byte, error) {
	key, ts, offset := readChunk(r)
	if r.err != nil {
		return nil, r.err
	}
	b := appendHeader(nil, msgChunkReply, rp.cfg.hdr())
	smp, ok, err := rp.serving.get(ctx, rp, key, ts)
	if err != nil {
		return nil, fmt.Errorf("antientropy: chunk of %q: %w", key, err)
	}
	if !ok || smp.Kind != strata.KindPut || smp.Timestamp != ts {
		return append(b, 0), nil
	}
	if offset > len(smp.Value) {
		r.fail("chunk offset %d beyond the value's %d bytes", offset, len(smp.Value))
		return nil, r.err
	}
	room := chunkRoom(limit, smp.Encoding)
	if room <= 0 {
		rp.tooLarge(key, &smp, limit)
		return append(b, 0), nil
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(smp.Value)))
	b = appendString(b, smp.Encoding)
	end := min(len(smp.Value), offset+room)
	if end == len(smp.Value) {
		rp.serving.forget(key, ts)
	}
	chunk := smp.Value[offset:end]
	b = binary.AppendUvarint(b, uint64(len(chunk)))
	return append(b, chunk...), nil
}

// servedValue keeps the large value whose chunks a replica is serving,
// so that each chunk does not read the whole value from the store again:
// one value, forgotten once its last chunk is served (or replaced by
// another).
type servedValue struct {
	mu  sync.Mutex
	smp strata.Sample
	ok  bool
}

// get returns the store's current sample of key, from the kept value if
// it is the one of timestamp ts.
func (sv *servedValue) get(ctx context.Context, rp *Replica, key string, ts hlc.Timestamp) (strata.Sample, bool, error) {
	sv.mu.Lock()
	if sv.ok && sv.smp.Key == key && sv.smp.Timestamp == ts {
		smp := sv.smp
		sv.mu.Unlock()
		// Still the store's? A newer write ends the transfer.
		if cur, ok := rp.log.lookup(key); ok && cur.Timestamp == ts {
			return smp, true, nil
		}
		return strata.Sample{}, false, nil
	}
	sv.mu.Unlock()
	smp, ok, err := rp.current(ctx, key)
	if err == nil && ok && smp.Kind == strata.KindPut && smp.Timestamp == ts {
		sv.mu.Lock()
		sv.smp, sv.ok = smp, true
		sv.mu.Unlock()
	}
	return smp, ok, err
}

func (sv *servedValue) forget(key string, ts hlc.Timestamp) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.ok && sv.smp.Key == key && sv.smp.Timestamp == ts {
		sv.smp, sv.ok = strata.Sample{}, false
	}
}

// readChunkReply decodes a chunk reply: ok false if the value is gone.
func readChunkReply(r *reader) (ok bool, size int, encoding string, chunk []byte) {
	switch r.byte() {
	case 0:
		r.end()
		return false, 0, "", nil
	case 1:
	default:
		r.fail("bad chunk reply status")
		return false, 0, "", nil
	}
	size = r.int(maxLimit * 64)
	encoding = r.string()
	chunk = r.bytes(r.count(1))
	r.end()
	return r.err == nil, size, encoding, chunk
}

// assembly is a value being received in chunks.
type assembly struct {
	lv       largeValue
	encoding string
	buf      []byte
	have     int
	busy     bool
}

// assemblies are the values a replica is receiving in chunks, by key.
type assemblies struct {
	mu sync.Mutex
	m  map[string]*assembly
}

// acquire returns the assembly of lv, resumed if one was interrupted,
// or nil if maxAssemblies others are under way.
func (as *assemblies) acquire(lv largeValue) *assembly {
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.m == nil {
		as.m = map[string]*assembly{}
	}
	if a := as.m[lv.key]; a != nil {
		if a.busy {
			return nil
		}
		if a.lv == lv {
			a.busy = true
			return a
		}
		delete(as.m, lv.key)
	}
	if len(as.m) >= maxAssemblies {
		// Evict an interrupted one, if any.
		for k, a := range as.m {
			if !a.busy {
				delete(as.m, k)
				break
			}
		}
		if len(as.m) >= maxAssemblies {
			return nil
		}
	}
	a := &assembly{lv: lv, busy: true}
	as.m[lv.key] = a
	return a
}

// release ends a's use; unless keep, it is forgotten.
func (as *assemblies) release(a *assembly, keep bool) {
	as.mu.Lock()
	defer as.mu.Unlock()
	a.busy = false
	if !keep && as.m[a.lv.key] == a {
		delete(as.m, a.lv.key)
	}
}

// fetchLarge fetches the large values queued, in chunks, and applies
// them. A value beyond MaxValueSize is counted in Stats.TooLarge and
// skipped; one whose assembly cannot start now (maxAssemblies under
// way) is left to a later alignment.
func (a *alignment) fetchLarge(ctx context.Context) error {
	for len(a.large) > 0 {
		lv := a.large[0]
		if err := a.fetchValue(ctx, lv); err != nil {
			return err
		}
		a.large = a.large[1:]
	}
	return nil
}

func (a *alignment) fetchValue(ctx context.Context, lv largeValue) error {
	r := a.r
	if lv.size > r.cfg.MaxValueSize {
		r.stats.tooLarge.Add(1)
		r.cfg.Logger.Warn("antientropy: a peer holds a value larger than MaxValueSize; not replicated",
			"replica", r.cfg.ID, "peer", a.peer, "key", lv.key, "bytes", lv.size, "limit", r.cfg.MaxValueSize)
		return nil
	}
	if local, ok := r.log.lookup(lv.key); ok && local.Timestamp.Compare(lv.ts) >= 0 {
		return nil
	}
	as := r.assemblies.acquire(lv)
	if as == nil {
		return nil
	}
	if as.buf == nil {
		as.buf = make([]byte, lv.size)
	}
	for {
		rd, err := a.request(ctx, appendChunk(nil, r.cfg.hdr(), lv.key, lv.ts, as.have), msgChunkReply)
		if err != nil {
			r.assemblies.release(as, true)
			return err
		}
		ok, size, enc, chunk := readChunkReply(rd)
		if rd.err == nil && ok && (size != lv.size || as.have+len(chunk) > size || (len(chunk) == 0 && as.have < size) || (as.have > 0 && enc != as.encoding)) {
			rd.fail("chunk of %d bytes at %d of a %d-byte value (announced %d)", len(chunk), as.have, size, lv.size)
		}
		if rd.err != nil {
			r.stats.malformed.Add(1)
			r.assemblies.release(as, false)
			return rd.err
		}
		if !ok {
			r.assemblies.release(as, false)
			return nil
		}
		as.encoding = enc
		as.have += copy(as.buf[as.have:], chunk)
		r.stats.chunks.Add(1)
		r.stats.chunkBytes.Add(uint64(len(chunk)))
		if as.have == size {
			break
		}
	}
	smp := strata.Sample{Key: lv.key, Value: as.buf, Encoding: as.encoding, Timestamp: lv.ts, Kind: strata.KindPut}
	r.stats.fetched.Add(1)
	a.fetched++
	err := a.apply(ctx, smp)
	r.assemblies.release(as, false)
	return err
}
