// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"context"
	"fmt"
	"sync"

	"github.com/stratakv/strata/backend"
)

// WriteBatch implements backend.Batcher, but not atomically: S3 has no
// multi-object transaction. The ops are written concurrently, up to
// Options.Concurrency at a time, each a PUT or a DELETE like Put and
// Remove. Every key is checked before anything is written; after that,
// the first failure cancels the ops not yet finished and is returned, and
// the ops that succeeded stay written. Two ops on the same key in one
// batch may be applied in either order.
func (b *Backend) WriteBatch(ctx context.Context, ops []backend.Op) error {
	if len(ops) == 0 {
		return nil
	}
	if !b.enter() {
		return errClosed("write batch", ops[0].Key)
	}
	defer b.leave()
	if b.opts.ReadOnly {
		return errReadOnly("write batch", ops[0].Key)
	}
	for _, op := range ops {
		if _, err := b.objectName("write batch", op.Key); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		sem      = make(chan struct{}, b.opts.Concurrency)
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			cancel()
		})
	}
	for _, op := range ops {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			var err error
			if op.Remove {
				err = b.remove(ctx, op.Key)
			} else {
				_, err = b.write(ctx, "write batch", op.Key, op.Entry, nil)
			}
			if err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("s3: write batch of %d ops: %w", len(ops), err)
	}
	return nil
}
