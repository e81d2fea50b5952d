// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"sync/atomic"

	"github.com/stratakv/strata/backend"
)

// Stats is a snapshot of a Store's counters since Open, for logs and for
// adapters to Prometheus or OpenTelemetry.
type Stats struct {
	Puts            uint64 // values written (Put and Apply)
	Deletes         uint64 // tombstones written (wildcard ones included)
	WildcardDeletes uint64 // wildcard deletes applied
	Gets            uint64 // Get and Scan calls that reached the backend
	Outdated        uint64 // samples refused by last-writer-wins
	Refused         uint64 // samples refused for a timestamp from the future
	Conflicts       uint64 // conditional writes retried after a conflict
	BytesWritten    uint64 // value bytes written
	BytesRead       uint64 // value bytes yielded by Get and Scan
	GCRuns          uint64 // garbage collections run
	GCTombstones    uint64 // tombstones erased
	GCWildcards     uint64 // wildcard deletes forgotten
}

type counters struct {
	puts, deletes, wildcardDeletes, gets, outdated, refused, conflicts atomic.Uint64
	bytesWritten, bytesRead, gcRuns, gcTombstones, gcWildcards         atomic.Uint64
}

func (c *counters) wrote(e *backend.Entry) {
	if e.Deleted {
		c.deletes.Add(1)
		return
	}
	c.puts.Add(1)
	c.bytesWritten.Add(uint64(len(e.Value)))
}

// Stats returns a snapshot of the store's counters.
func (s *Store) Stats() Stats {
	c := &s.stats
	return Stats{
		Puts: c.puts.Load(), Deletes: c.deletes.Load(), WildcardDeletes: c.wildcardDeletes.Load(),
		Gets: c.gets.Load(), Outdated: c.outdated.Load(), Refused: c.refused.Load(),
		Conflicts: c.conflicts.Load(), BytesWritten: c.bytesWritten.Load(), BytesRead: c.bytesRead.Load(),
		GCRuns: c.gcRuns.Load(), GCTombstones: c.gcTombstones.Load(), GCWildcards: c.gcWildcards.Load(),
	}
}
