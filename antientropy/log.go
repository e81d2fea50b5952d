// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// event is one entry of the log as the protocol sees it: the latest change
// of a key, or a wildcard delete (Key is then the expression).
type event struct {
	Key       string
	Timestamp hlc.Timestamp
	Kind      strata.Kind
}

// entry is an event as the log stores it, in 40 bytes: the key, the
// time, the event hash, and the clock ID as an index into a table of the
// few IDs seen, with whether it is a delete.
type entry struct {
	key  string
	time hlc.NTP64
	hash uint64
	meta uint32 // clock index << 1 | 1 for a delete
}

func (e *entry) clock() uint32 { return e.meta >> 1 }

func (e *entry) isDelete() bool { return e.meta&1 == 1 }

func (e *entry) kind() strata.Kind {
	if e.isDelete() {
		return strata.KindDelete
	}
	return strata.KindPut
}

// sums are the fingerprints and counts of a set of events, puts and deletes
// apart, since deletes leave the comparison after the tombstone lifespan.
type sums struct {
	put, del   fingerprint
	nPut, nDel uint32
}

func (s *sums) addEntry(e *entry, sign int) {
	h := e.hash
	if sign < 0 {
		h = -h
	}
	if e.isDelete() {
		s.del += h
		s.nDel += uint32(sign)
	} else {
		s.put += h
		s.nPut += uint32(sign)
	}
}

func (s *sums) plus(o *sums) {
	s.put += o.put
	s.del += o.del
	s.nPut += o.nPut
	s.nDel += o.nDel
}

func (s *sums) minus(o *sums) {
	s.put -= o.put
	s.del -= o.del
	s.nPut -= o.nPut
	s.nDel -= o.nDel
}

const chunkBits = 12 // entries are allocated 4096 at a time

// eventLog is the latest event per key, plus wildcard deletes as events of
// their own, indexed by key and by time, with the sums of any range of
// time at hand (timeindex.go). It is safe for concurrent use.
type eventLog struct {
	cfg *config

	mu      sync.Mutex
	chunks  [][]entry
	free    []uint32 // references of removed entries, for reuse
	used    uint32   // references handed out so far
	table   keyTable
	time    timeIndex
	ids     []hlc.ID
	idIndex map[hlc.ID]uint32
	wild    map[uint32]keyexpr.KeyExpr // wildcard delete events
	crowded map[int64]*crowdIndex      // indices of crowded sub-intervals (crowd.go)
	scratch []byte
	pruned  int64 // deletes of intervals ≤ pruned have left the log

	tooLarge *atomic.Uint64 // events too large to list, counted in Stats.TooLarge
}

func newEventLog(c *config) *eventLog {
	l := &eventLog{
		cfg:      c,
		idIndex:  map[hlc.ID]uint32{},
		wild:     map[uint32]keyexpr.KeyExpr{},
		crowded:  map[int64]*crowdIndex{},
		pruned:   -1 << 62,
		tooLarge: new(atomic.Uint64),
	}
	l.table = newKeyTable(func(ref uint32) string { return l.at(ref).key })
	l.time = newTimeIndex(l.at)
	return l
}

func (l *eventLog) at(ref uint32) *entry {
	i := ref - 1
	return &l.chunks[i>>chunkBits][i&(1<<chunkBits-1)]
}

func (l *eventLog) alloc() uint32 {
	if n := len(l.free); n > 0 {
		ref := l.free[n-1]
		l.free = l.free[:n-1]
		return ref
	}
	if int(l.used)>>chunkBits == len(l.chunks) {
		l.chunks = append(l.chunks, make([]entry, 1<<chunkBits))
	}
	l.used++
	return l.used
}

func (l *eventLog) clockIndex(id hlc.ID) uint32 {
	i, ok := l.idIndex[id]
	if !ok {
		i = uint32(len(l.ids))
		l.ids = append(l.ids, id)
		l.idIndex[id] = i
	}
	return i
}

func (l *eventLog) timestamp(e *entry) hlc.Timestamp {
	return hlc.Timestamp{Time: e.time, ID: l.ids[e.clock()]}
}

func (l *eventLog) eventOf(e *entry) event {
	return event{Key: e.key, Timestamp: l.timestamp(e), Kind: e.kind()}
}

// isWild tells a wildcard expression from a concrete key.
func isWild(key string) bool { return strings.ContainsAny(key, "*$") }

// observe records smp if it is newer than the log's event for its key. It
// is the Store.Watch hook, and the rebuild at start goes through it too.
func (l *eventLog) observe(smp strata.Sample) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.observeLocked(smp.Key, smp.Timestamp, smp.Kind)
}

func (l *eventLog) observeLocked(key string, ts hlc.Timestamp, kind strata.Kind) {
	ref := l.table.find(key)
	if ref != 0 {
		e := l.at(ref)
		if ts.Compare(l.timestamp(e)) <= 0 {
			return
		}
		l.unlink(ref, e)
	} else {
		ref = l.alloc()
		key = strings.Clone(key)
		*l.at(ref) = entry{key: key}
		l.table.insert(key, ref)
		if kind == strata.KindDelete && isWild(key) {
			if expr, err := keyexpr.Parse(key); err == nil {
				l.wild[ref] = expr
			}
		}
	}
	e := l.at(ref)
	e.time, e.meta = ts.Time, l.clockIndex(ts.ID)<<1
	if kind == strata.KindDelete {
		e.meta |= 1
	}
	e.hash, l.scratch = l.cfg.eventHash(l.scratch, key, ts, kind)
	l.link(ref, e)
}

// hashOf returns the event hash of e.
func (l *eventLog) hashOf(e *entry) uint64 { return e.hash }

// link adds the event to the time index.
func (l *eventLog) link(ref uint32, e *entry) {
	l.time.insert(ref)
	l.touch(e.time, ref)
}

// unlink removes the event from the time index.
func (l *eventLog) unlink(ref uint32, e *entry) {
	l.time.remove(ref)
	l.touch(e.time, ref)
}

func (l *eventLog) remove(ref uint32) {
	e := l.at(ref)
	l.unlink(ref, e)
	l.table.remove(e.key)
	delete(l.wild, ref)
	*e = entry{}
	l.free = append(l.free, ref)
}

// prune removes the deletes that no longer count at reference L, with one
// interval of margin for peers whose clocks are behind: those of
// intervals up to L-expiry-1, including any that came after an earlier
// prune passed their interval. The walk visits only the parts of the
// time index that hold deletes.
func (l *eventLog) prune(L int64) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	limit := L - l.cfg.expiry - 1 // deletes of intervals ≤ limit go
	if limit <= l.pruned {
		return 0
	}
	end := l.cfg.subKey(l.cfg.firstSub(limit + 1))
	var dels []uint32
	l.time.ascendRange(tkey{}, end, func(s *sums) bool { return s.nDel == 0 }, func(ref uint32) bool {
		if l.at(ref).isDelete() {
			dels = append(dels, ref)
		}
		return true
	})
	for _, ref := range dels {
		l.remove(ref)
	}
	l.pruned = limit
	return len(dels)
}

// lookup returns the log's event for key.
func (l *eventLog) lookup(key string) (event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ref := l.table.find(key)
	if ref == 0 {
		return event{}, false
	}
	return l.eventOf(l.at(ref)), true
}

// covering returns the latest wildcard delete in the log that matches key.
func (l *eventLog) covering(key string) (hlc.Timestamp, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var latest hlc.Timestamp
	found := false
	for ref, expr := range l.wild {
		if ts := l.timestamp(l.at(ref)); expr.Matches(key) && (!found || ts.Compare(latest) > 0) {
			latest, found = ts, true
		}
	}
	return latest, found
}

// size returns the number of events in the log.
func (l *eventLog) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.table.n
}
