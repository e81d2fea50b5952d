// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"slices"
	"sync"
	"sync/atomic"
)

// watchers is the list of Watch callbacks, read without locking on every
// write; when nobody watches, notifying costs one atomic load.
type watchers struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*watcher]
}

type watcher struct{ fn func(Sample) }

// Watch registers fn to observe every change the store applies: puts,
// deletes, the tombstones a wildcard delete writes and the wildcard delete
// itself (a KindDelete sample whose Key is the expression), whether they
// came from Put, Delete or Apply. Outdated samples are not observed.
//
// fn runs synchronously in the writing goroutine, while the key is locked,
// so the changes of one key are observed in the order they were applied.
// It must be quick, must not call the Store's write methods (that would
// deadlock on the key) and must not modify Sample.Value; copy the value to
// keep it past the call. stop unregisters fn; it is idempotent.
func (s *Store) Watch(fn func(Sample)) (stop func()) {
	w := &watcher{fn: fn}
	s.watchers.mu.Lock()
	defer s.watchers.mu.Unlock()
	next := append(slices.Clone(s.watchers.load()), w)
	s.watchers.list.Store(&next)
	return func() {
		s.watchers.mu.Lock()
		defer s.watchers.mu.Unlock()
		cur := s.watchers.load()
		if i := slices.Index(cur, w); i >= 0 {
			next := slices.Delete(slices.Clone(cur), i, i+1)
			s.watchers.list.Store(&next)
		}
	}
}

func (w *watchers) load() []*watcher {
	if p := w.list.Load(); p != nil {
		return *p
	}
	return nil
}

func (w *watchers) notify(smp *Sample) {
	for _, x := range w.load() {
		x.fn(*smp)
	}
}
