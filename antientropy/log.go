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

// entry is an event as the log stores it, in 40 bytes: the key, the time,
// the clock ID as an index into a table of the few IDs seen, whether it
// is a delete, and links to the other events of its sub-interval. Its
// hash is computed again when needed rather than kept (8 bytes per key).
type entry struct {
	key        string
	time       hlc.NTP64
	next, prev uint32 // references in the sub-interval's list; 0 = none
	meta       uint32 // clock index << 1 | 1 for a delete
}

func (e *entry) clock() uint32 { return e.meta >> 1 }

func (e *entry) kind() strata.Kind {
	if e.meta&1 == 1 {
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

func (s *sums) add(e *entry, h uint64, sign int) {
	if sign < 0 {
		h = -h
	}
	if e.kind() == strata.KindDelete {
		s.del += h
		s.nDel += uint32(sign)
	} else {
		s.put += h
		s.nPut += uint32(sign)
	}
}

// at returns the fingerprint and count that count at reference L for an
// interval i.
func (s *sums) at(c *config, i, L int64) (fingerprint, int) {
	if c.deletesCount(i, L) {
		return s.put + s.del, int(s.nPut + s.nDel)
	}
	return s.put, int(s.nPut)
}

type subBucket struct {
	sums
	head uint32
}

const chunkBits = 12 // entries are allocated 4096 at a time

// eventLog is the latest event per key, plus wildcard deletes as events of
// their own, indexed by key and by sub-interval, with fingerprint sums per
// sub-interval and per interval. It is safe for concurrent use.
type eventLog struct {
	cfg *config

	mu        sync.Mutex
	chunks    [][]entry
	free      []uint32 // references of removed entries, for reuse
	used      uint32   // references handed out so far
	table     keyTable
	subs      map[int64]*subBucket
	intervals intervalIndex // the intervals holding events, with their sums
	ids       []hlc.ID
	idIndex   map[hlc.ID]uint32
	wild      map[uint32]keyexpr.KeyExpr // wildcard delete events
	crowded   map[int64]*hashIndex       // hash indices of crowded sub-intervals (crowd.go)
	scratch   []byte
	pruned    int64 // deletes of intervals ≤ pruned have left the log

	tooLarge *atomic.Uint64 // events too large to list, counted in Stats.TooLarge
}

func newEventLog(c *config) *eventLog {
	l := &eventLog{
		cfg:       c,
		subs:      map[int64]*subBucket{},
		intervals: newIntervalIndex(),
		idIndex:   map[hlc.ID]uint32{},
		wild:      map[uint32]keyexpr.KeyExpr{},
		crowded:   map[int64]*hashIndex{},
		pruned:    -1 << 62,
		tooLarge:  new(atomic.Uint64),
	}
	l.table = newKeyTable(func(ref uint32) string { return l.at(ref).key })
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
	l.link(ref, e)
}

// hashOf returns the event hash of e.
func (l *eventLog) hashOf(e *entry) uint64 {
	var h uint64
	h, l.scratch = l.cfg.eventHash(l.scratch, e.key, l.timestamp(e), e.kind())
	return h
}

// link adds the event to its sub-interval and interval.
func (l *eventLog) link(ref uint32, e *entry) {
	h := l.hashOf(e)
	s := l.cfg.subOf(e.time)
	b := l.subs[s]
	if b == nil {
		b = &subBucket{}
		l.subs[s] = b
	}
	e.prev, e.next = 0, b.head
	if b.head != 0 {
		l.at(b.head).prev = ref
	}
	b.head = ref
	b.add(e, h, +1)
	l.touch(s, ref)
	l.intervals.add(l.cfg.intervalOfSub(s), e, h, +1)
}

// unlink removes the event from its sub-interval and interval.
func (l *eventLog) unlink(ref uint32, e *entry) {
	h := l.hashOf(e)
	s := l.cfg.subOf(e.time)
	b := l.subs[s]
	if e.prev != 0 {
		l.at(e.prev).next = e.next
	} else {
		b.head = e.next
	}
	if e.next != 0 {
		l.at(e.next).prev = e.prev
	}
	b.add(e, h, -1)
	l.touch(s, ref)
	if b.head == 0 {
		delete(l.subs, s)
	}
	l.intervals.add(l.cfg.intervalOfSub(s), e, h, -1)
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
// interval of margin for peers whose clocks are behind.
func (l *eventLog) prune(L int64) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	limit := L - l.cfg.expiry - 1 // deletes of intervals ≤ limit go
	if limit <= l.pruned {
		return 0
	}
	n := 0
	for _, i := range l.sortedIntervals() {
		if i > limit {
			break
		}
		if iv := l.intervals.get(i); i <= l.pruned || iv == nil || iv.nDel == 0 {
			continue
		}
		for s := l.cfg.firstSub(i); s < l.cfg.firstSub(i+1); s++ {
			b := l.subs[s]
			if b == nil || b.nDel == 0 {
				continue
			}
			var dels []uint32
			for ref := b.head; ref != 0; ref = l.at(ref).next {
				if l.at(ref).kind() == strata.KindDelete {
					dels = append(dels, ref)
				}
			}
			for _, ref := range dels {
				l.remove(ref)
			}
			n += len(dels)
		}
	}
	l.pruned = limit
	return n
}

// sortedIntervals returns the intervals holding events, in ascending
// order (and some that emptied since; their sums are zero). The slice is
// shared, and valid until the log changes: do not modify it.
func (l *eventLog) sortedIntervals() []int64 {
	l.intervals.ready()
	return l.intervals.nums
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
