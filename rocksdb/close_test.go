// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
)

func TestCloseWaitsForOperations(t *testing.T) {
	b, _ := openTemp(t, nil)
	for i := range 100 {
		require.NoError(t, b.Put(bg, fmt.Sprintf("k/%03d", i), textEntry("v", uint64(i+1))))
	}
	// A Match that blocks holds the scan inside a batch read, that is, in
	// flight.
	inMatch, unblock := make(chan struct{}), make(chan struct{})
	var once sync.Once
	match := func(string) bool {
		once.Do(func() { close(inMatch); <-unblock })
		return true
	}
	scanDone := make(chan []error)
	go func() {
		var errs []error
		n := 0
		for _, err := range b.Scan(bg, "k/", &backend.ScanOptions{Match: match}) {
			if err != nil {
				errs = append(errs, err)
			}
			n++
		}
		scanDone <- errs
	}()
	<-inMatch

	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	err := b.Close(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "Close waits for the scan")
	_, err = b.Get(bg, "k/000")
	require.ErrorIs(t, err, backend.ErrClosed, "no new operation starts once Close has begun")

	close(unblock)
	errs := <-scanDone
	require.Len(t, errs, 1, "the scan ends at its next batch")
	require.ErrorIs(t, errs[0], backend.ErrClosed)
	require.NoError(t, b.Close(bg), "the database closed when the scan's batch ended")
	select {
	case <-b.life.done:
	default:
		t.Fatal("not released")
	}
}

func TestCloseInsideScanLoop(t *testing.T) {
	b, _ := openTemp(t, nil)
	for i := range 300 {
		require.NoError(t, b.Put(bg, fmt.Sprintf("k/%03d", i), textEntry("v", uint64(i+1))))
	}
	n := 0
	var last error
	for _, err := range b.Scan(bg, "k/", nil) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 1 {
			require.NoError(t, b.Close(bg), "Close from a loop body does not deadlock")
		}
	}
	require.Equal(t, firstScanBatch, n, "the batch already read is yielded")
	require.ErrorIs(t, last, backend.ErrClosed)
}

func TestClosedEverywhere(t *testing.T) {
	b, _ := openTemp(t, nil)
	require.NoError(t, b.Close(bg))
	require.NoError(t, b.Close(bg))
	_, err := b.Stat(bg, "k")
	require.ErrorIs(t, err, backend.ErrClosed)
	_, err = b.GetMeta(bg, "m")
	require.ErrorIs(t, err, backend.ErrClosed)
	require.ErrorIs(t, b.WriteBatch(bg, nil), backend.ErrClosed)
	require.ErrorContains(t, b.Put(bg, "my/key", textEntry("v", 1)), `"my/key"`)
}

func TestConcurrentClose(t *testing.T) {
	b, _ := openTemp(t, nil)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d/%d", w, i%50)
				err := b.Put(bg, key, textEntry("v", uint64(i+1)))
				if err != nil {
					assert.ErrorIs(t, err, backend.ErrClosed)
					return
				}
				if _, err := b.Stat(bg, key); err != nil {
					assert.ErrorIs(t, err, backend.ErrClosed)
					return
				}
				for _, err := range b.Scan(bg, fmt.Sprintf("w%d/", w), &backend.ScanOptions{KeysOnly: true}) {
					if err != nil {
						assert.ErrorIs(t, err, backend.ErrClosed)
						return
					}
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	var closers sync.WaitGroup
	for range 3 {
		closers.Add(1)
		go func() {
			defer closers.Done()
			assert.NoError(t, b.Close(bg))
		}()
	}
	closers.Wait()
	close(stop)
	wg.Wait()
}

func TestContext(t *testing.T) {
	b, _ := openTemp(t, nil)
	for i := range 100 {
		require.NoError(t, b.Put(bg, fmt.Sprintf("k/%03d", i), textEntry("v", uint64(i+1))))
	}
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	n := 0
	var last error
	for _, err := range b.Scan(ctx, "k/", nil) {
		if err != nil {
			last = err
			continue
		}
		if n++; n == 2 {
			cancel()
		}
	}
	require.Equal(t, 2, n, "the context is checked between items")
	require.ErrorIs(t, last, context.Canceled)

	require.ErrorIs(t, b.PutMeta(ctx, "m", []byte("x")), context.Canceled)
	require.ErrorIs(t, b.Remove(ctx, "k/000"), context.Canceled)
	_, err := b.Stat(ctx, "k/000")
	require.ErrorIs(t, err, context.Canceled)
}
