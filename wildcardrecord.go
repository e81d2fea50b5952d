// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// Each remembered wildcard delete is one record of the backend's metadata
// space, written before the delete takes effect and rewritten once every
// tombstone it owes is written:
//
//	name:  "strata/wd/" + hex(timestamp, 24 bytes) + "-" + hex(fnv64a(expr))
//	value: version (2), state (0 pending, 1 done), uvarint length, expr,
//	       timestamp (24 bytes, hlc binary form)
//
// One record per delete makes remembering one O(1) and lets processes that
// share a backend add theirs without overwriting each other's. A pending
// record is an unfinished delete (a crash, a cancelled context or a
// backend error stopped its tombstones): it is finished on retry, on Open
// and before garbage collection may forget it.
const (
	metaWildcardPrefix = "strata/wd/"
	wildcardRecordV2   = 2
)

// wildcardDelete is a remembered wildcard delete: every key that expr
// matches counts as deleted at ts, whatever arrives later with an older
// timestamp. done says that every tombstone it owes is written.
type wildcardDelete struct {
	expr keyexpr.KeyExpr
	ts   hlc.Timestamp
	done bool
}

// recordName is the metadata record of wd.
func (wd wildcardDelete) recordName() string {
	tsb, _ := wd.ts.AppendBinary(make([]byte, 0, hlc.BinarySize))
	h := fnv.New64a()
	h.Write([]byte(wd.expr.String()))
	return metaWildcardPrefix + hex.EncodeToString(tsb) + "-" + hex.EncodeToString(h.Sum(nil))
}

func (wd wildcardDelete) record() []byte {
	state := byte(0)
	if wd.done {
		state = 1
	}
	expr := wd.expr.String()
	b := make([]byte, 0, 2+binary.MaxVarintLen64+len(expr)+hlc.BinarySize)
	b = append(b, wildcardRecordV2, state)
	b = binary.AppendUvarint(b, uint64(len(expr)))
	b = append(b, expr...)
	b, _ = wd.ts.AppendBinary(b)
	return b
}

func decodeWildcardRecord(b []byte) (wildcardDelete, error) {
	corrupt := func(why string) error {
		return fmt.Errorf("wildcard delete record: %s: %w: %w", why, ErrIncompatible, backend.ErrCorrupt)
	}
	if len(b) < 2 || b[0] != wildcardRecordV2 {
		return wildcardDelete{}, corrupt("unknown version")
	}
	if b[1] > 1 {
		return wildcardDelete{}, corrupt("unknown state")
	}
	done := b[1] == 1
	b = b[2:]
	l, w := binary.Uvarint(b)
	if w <= 0 || l > uint64(len(b)-w) {
		return wildcardDelete{}, corrupt("bad expression length")
	}
	expr, err := keyexpr.Parse(string(b[w : w+int(l)]))
	if err != nil {
		return wildcardDelete{}, corrupt(err.Error())
	}
	ts, rest, err := hlc.DecodeBinary(b[w+int(l):])
	if err != nil {
		return wildcardDelete{}, corrupt(err.Error())
	}
	if len(rest) != 0 {
		return wildcardDelete{}, corrupt("trailing bytes")
	}
	return wildcardDelete{expr: expr, ts: ts, done: done}, nil
}

// saveWildcard writes wd's record.
func saveWildcard(ctx context.Context, b backend.Backend, wd wildcardDelete) error {
	return b.PutMeta(ctx, wd.recordName(), wd.record())
}

// loadWildcards reads every record; for each expression, only the newest
// delete counts, and the older records are returned as stale (to erase).
func loadWildcards(ctx context.Context, b backend.Backend) (live, stale []wildcardDelete, err error) {
	newest := map[keyexpr.KeyExpr]int{}
	for rec, err := range b.ScanMeta(ctx, metaWildcardPrefix) {
		if err != nil {
			return nil, nil, fmt.Errorf("reading wildcard deletes: %w", err)
		}
		wd, err := decodeWildcardRecord(rec.Value)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", rec.Name, err)
		}
		if wd.recordName() != rec.Name {
			return nil, nil, fmt.Errorf("%s: wildcard delete record under another name: %w: %w", rec.Name, ErrIncompatible, backend.ErrCorrupt)
		}
		i, seen := newest[wd.expr]
		switch {
		case !seen:
			newest[wd.expr] = len(live)
			live = append(live, wd)
		case wd.ts.Compare(live[i].ts) > 0:
			stale = append(stale, live[i])
			live[i] = wd
		default:
			stale = append(stale, wd)
		}
	}
	return live, stale, nil
}

// The list record of earlier versions: one record holding every delete,
// rewritten whole. Open converts it to records (pending, since it does not
// say whether their tombstones were all written) and erases it.
const (
	metaWildcardsV1 = "strata/wildcard-deletes"
	wildcardsV1     = 1
)

func loadLegacyWildcards(ctx context.Context, b backend.Backend) ([]wildcardDelete, error) {
	rec, err := b.GetMeta(ctx, metaWildcardsV1)
	if errors.Is(err, backend.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading wildcard deletes: %w", err)
	}
	return decodeWildcardsV1(rec)
}

func decodeWildcardsV1(b []byte) ([]wildcardDelete, error) {
	corrupt := func(why string) error {
		return fmt.Errorf("wildcard deletes record: %s: %w: %w", why, ErrIncompatible, backend.ErrCorrupt)
	}
	if len(b) == 0 || b[0] != wildcardsV1 {
		return nil, corrupt("unknown version")
	}
	b = b[1:]
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return nil, corrupt("bad count")
	}
	b = b[w:]
	list := make([]wildcardDelete, 0, n)
	for range n {
		l, w := binary.Uvarint(b)
		if w <= 0 || l > uint64(len(b)-w) {
			return nil, corrupt("bad expression length")
		}
		expr, err := keyexpr.Parse(string(b[w : w+int(l)]))
		if err != nil {
			return nil, corrupt(err.Error())
		}
		ts, rest, err := hlc.DecodeBinary(b[w+int(l):])
		if err != nil {
			return nil, corrupt(err.Error())
		}
		list = append(list, wildcardDelete{expr: expr, ts: ts})
		b = rest
	}
	if len(b) != 0 {
		return nil, corrupt("trailing bytes")
	}
	return list, nil
}
