package strata

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/keyexpr"
)

// wildcardDelete is a remembered wildcard delete: every key that expr
// matches counts as deleted at ts, whatever arrives later with an older
// timestamp.
type wildcardDelete struct {
	expr keyexpr.KeyExpr
	ts   hlc.Timestamp
}

// wildcards is the set of remembered wildcard deletes. Readers load it
// without locking; writers replace it under mu (and, to publish, under all
// key stripes: see Store.deleteWild).
type wildcards struct {
	mu  sync.Mutex
	set atomic.Pointer[[]wildcardDelete]
}

func (w *wildcards) list() []wildcardDelete {
	if p := w.set.Load(); p != nil {
		return *p
	}
	return nil
}

// covering returns the latest timestamp of a remembered wildcard delete
// that matches key, and whether there is one.
func (w *wildcards) covering(key string) (hlc.Timestamp, bool) {
	var latest hlc.Timestamp
	found := false
	for _, wd := range w.list() {
		if wd.expr.Matches(key) && (!found || wd.ts.Compare(latest) > 0) {
			latest, found = wd.ts, true
		}
	}
	return latest, found
}

// with returns the set plus wd (replacing an older delete of the same
// expression), or false when an equal or newer one is already remembered.
func (w *wildcards) with(wd wildcardDelete) ([]wildcardDelete, bool) {
	cur := w.list()
	for i, old := range cur {
		if old.expr == wd.expr {
			if old.ts.Compare(wd.ts) >= 0 {
				return nil, false
			}
			next := slices.Clone(cur)
			next[i] = wd
			return next, true
		}
	}
	return append(slices.Clone(cur), wd), true
}

func (w *wildcards) load(ctx context.Context, b backend.Backend) error {
	rec, err := b.GetMeta(ctx, metaWildcards)
	if errors.Is(err, backend.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("strata: open: reading wildcard deletes: %w", err)
	}
	list, err := decodeWildcards(rec)
	if err != nil {
		return fmt.Errorf("strata: open: %w", err)
	}
	w.set.Store(&list)
	return nil
}

// persist writes list to the backend's metadata space.
func persistWildcards(ctx context.Context, b backend.Backend, list []wildcardDelete) error {
	var rec []byte
	if len(list) > 0 {
		rec = encodeWildcards(list)
	}
	return b.PutMeta(ctx, metaWildcards, rec)
}

const wildcardsVersion = 1

// encodeWildcards: version byte, count, then per delete the expression
// (uvarint length, bytes) and the timestamp (hlc binary).
func encodeWildcards(list []wildcardDelete) []byte {
	b := []byte{wildcardsVersion}
	b = binary.AppendUvarint(b, uint64(len(list)))
	for _, wd := range list {
		b = binary.AppendUvarint(b, uint64(len(wd.expr.String())))
		b = append(b, wd.expr.String()...)
		b, _ = wd.ts.AppendBinary(b)
	}
	return b
}

func decodeWildcards(b []byte) ([]wildcardDelete, error) {
	corrupt := func(why string) error {
		return fmt.Errorf("wildcard deletes record: %s: %w: %w", why, ErrIncompatible, backend.ErrCorrupt)
	}
	if len(b) == 0 || b[0] != wildcardsVersion {
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

// WildcardDeletes returns the wildcard deletes the store remembers, as
// KindDelete samples whose keys are expressions, oldest first. The
// replication layer rebuilds its log with them.
func (s *Store) WildcardDeletes() []Sample {
	list := s.wildcards.list()
	out := make([]Sample, len(list))
	for i, wd := range list {
		out[i] = Sample{Key: wd.expr.String(), Timestamp: wd.ts, Kind: KindDelete}
	}
	slices.SortFunc(out, func(a, b Sample) int { return a.Timestamp.Compare(b.Timestamp) })
	return out
}
