// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

type cpFlags struct {
	storeFlags
	jobs     int
	batch    int
	progress string
	quiet    bool
}

func init() {
	register(&command{
		name:    "cp",
		args:    "[-keyexpr EXPR] [-j N] [-progress auto|on|off] SRC_URL DST_URL [SELECTOR]",
		summary: "copy samples, tombstones and wildcard deletes between stores",
		help: `Cp copies what SRC holds under SELECTOR (default: all of it) into DST: the
latest sample of every key with its own timestamp and encoding, the
tombstones of deleted keys, and the remembered wildcard deletes whose
expression SELECTOR includes. DST applies them as replication does (last
writer wins, by timestamp), so cp is idempotent and safe to run again, to
resume, or to run into a store that is in use: a key that DST holds newer
keeps DST's version, and is counted as "up to date".

SRC is opened read-only (for a RocksDB directory that a server holds, add
?readonly=true to its URL). A RocksDB DST has one writer: stop a server
that holds it first; an S3 DST may be in use by servers meanwhile. A DST that holds no store yet is created with
SRC's key expression and strip prefix, or with -keyexpr and -strip. Samples
outside DST's key expression are refused, counted and named (exit status 1).

On a terminal, a progress bar shows keys, bytes, rate and time left (the
total comes from a first scan of SRC's keys, which reads no value);
otherwise, and at the end, one summary line goes to standard error.

	strata cp 'rocksdb:///var/lib/strata/db' 's3://backup/strata?endpoint=minio:9000&create=true'
	strata cp 's3://backup/strata?endpoint=minio:9000' 'rocksdb:///tmp/restore?create=true' 'demo/robot/**'`,
		flags: func(fs *flag.FlagSet) any {
			f := &cpFlags{}
			f.register(fs)
			fs.IntVar(&f.jobs, "j", 8, "number of concurrent writers into DST")
			fs.IntVar(&f.batch, "batch", 256, "samples per write batch")
			fs.StringVar(&f.progress, "progress", "auto", "progress bar on standard error: auto (on a terminal), on or off")
			fs.BoolVar(&f.quiet, "q", false, "print no summary line")
			return f
		},
		run: runCp, min: 2, max: 3,
	})
}

// copyStats counts what a copy did; safe for concurrent use.
type copyStats struct {
	scanned, bytes                 atomic.Int64 // samples read from SRC, value bytes among them
	puts, tombstones, wildcards    atomic.Int64 // changes applied to DST
	outdated, refused, skippedWild atomic.Int64
	written, writtenBytes          atomic.Int64 // samples (and value bytes) DST has been given
	total                          atomic.Int64 // samples to copy; -1: unknown
}

// copyOptions tune copyStore.
type copyOptions struct {
	jobs, batch int
	count       bool            // count the samples first (for a progress bar)
	onBatch     func()          // called after each batch (progress)
	refusedLog  func(err error) // receives refused samples' errors, a few
}

// batchBytes bounds the value bytes of one batch.
const batchBytes = 4 << 20

// copyStore copies the state of src under selector into dst through
// ApplyBatch: wildcard deletes first, then every key's latest sample or
// tombstone, with their timestamps.
func copyStore(ctx context.Context, src, dst *strata.Store, selector string, o copyOptions, st *copyStats) error {
	if o.jobs <= 0 {
		o.jobs = 1
	}
	if o.batch <= 0 {
		o.batch = 256
	}
	sel, err := keyexpr.Canonize(selector)
	if err != nil {
		return fmt.Errorf("selector %q: %w", selector, err)
	}
	st.total.Store(-1)

	// Wildcard deletes first: applied before the samples, they make the
	// older samples they cover cost nothing in DST.
	var wds []strata.Sample
	for _, wd := range src.WildcardDeletes() {
		k, err := keyexpr.Canonize(wd.Key)
		switch {
		case err != nil:
			return fmt.Errorf("wildcard delete %q: %w", wd.Key, err)
		case sel.Includes(k):
			wds = append(wds, wd)
		case sel.Intersects(k):
			st.skippedWild.Add(1)
		}
	}
	if len(wds) > 0 {
		res, err := dst.ApplyBatch(ctx, wds)
		if err := st.account(wds, res, err, o.refusedLog); err != nil {
			return err
		}
	}

	if o.count {
		var n int64
		for _, err := range src.Scan(ctx, selector, &strata.ScanOptions{MetadataOnly: true, Tombstones: true}) {
			if err != nil {
				return err
			}
			n++
		}
		st.total.Store(n)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []strata.Sample, o.jobs)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for range o.jobs {
		wg.Go(func() {
			for b := range batches {
				res, err := dst.ApplyBatch(ctx, b)
				if err := st.account(b, res, err, o.refusedLog); err != nil {
					fail(err)
					continue
				}
				var n int64
				for _, smp := range b {
					n += int64(len(smp.Value))
				}
				st.written.Add(int64(len(b)))
				st.writtenBytes.Add(n)
				if o.onBatch != nil {
					o.onBatch()
				}
			}
		})
	}
	var cur []strata.Sample
	var curBytes int
	send := func() bool {
		select {
		case batches <- cur:
			cur, curBytes = nil, 0
			return true
		case <-ctx.Done():
			return false
		}
	}
	for smp, err := range src.Scan(ctx, selector, &strata.ScanOptions{Tombstones: true}) {
		if err != nil {
			fail(err)
			break
		}
		st.scanned.Add(1)
		st.bytes.Add(int64(len(smp.Value)))
		cur = append(cur, smp)
		curBytes += len(smp.Value)
		if (len(cur) >= o.batch || curBytes >= batchBytes) && !send() {
			break
		}
	}
	if len(cur) > 0 && ctx.Err() == nil {
		send()
	}
	close(batches)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// account counts the results of one ApplyBatch and returns the error
// that must stop the copy (refused samples do not).
func (st *copyStats) account(b []strata.Sample, res []strata.Result, err error, log func(error)) error {
	var be *strata.BatchError
	if err != nil && !errors.As(err, &be) {
		return err
	}

	for i, r := range res {
		if be != nil {
			if rerr, ok := be.Errs[i]; ok {
				st.refused.Add(1)
				if log != nil {
					log(rerr)
				}
				continue
			}
		}
		switch {
		case r == strata.Outdated:
			st.outdated.Add(1)
		case b[i].Kind == strata.KindPut:
			st.puts.Add(1)
		case i < len(b) && isWild(b[i].Key):
			st.wildcards.Add(1)
		default:
			st.tombstones.Add(1)
		}
	}
	return nil
}

// isWild reports whether key is a wildcard expression.
func isWild(key string) bool {
	k, err := keyexpr.Canonize(key)
	return err == nil && k.IsWild()
}

func runCp(ctx context.Context, e *env, fl any, args []string) (err error) {
	f := fl.(*cpFlags)
	var bar bool
	switch f.progress {
	case "auto":
		bar = e.terminal
	case "on":
		bar = true
	case "off":
	default:
		return &usageError{msg: fmt.Sprintf("-progress %q: want auto, on or off", f.progress)}
	}
	if f.jobs < 1 || f.batch < 1 {
		return &usageError{msg: "-j and -batch must be positive"}
	}
	src, err := openStore(ctx, args[0], openOptions{mode: readOnly, logger: e.logger})
	if err != nil {
		return err
	}
	defer closeStore(src, &err)
	dst, err := openStore(ctx, args[1], openOptions{mode: readWrite, flags: f.storeFlags, logger: e.logger,
		defaultKeyExpr: src.KeyExpr(), defaultStrip: src.StripPrefix()})
	if err != nil {
		return err
	}
	defer closeStore(dst, &err)
	sel := selectorOr(args, 2, src.KeyExpr())

	var st copyStats
	var refusedMu sync.Mutex
	var refusedErrs []error
	o := copyOptions{jobs: f.jobs, batch: f.batch, count: bar, refusedLog: func(err error) {
		refusedMu.Lock()
		defer refusedMu.Unlock()
		if len(refusedErrs) < 5 {
			refusedErrs = append(refusedErrs, err)
		}
	}}
	start := time.Now()
	var p *progress
	if bar {
		p = startProgress(e.stderr, &st, start)
	}
	err = copyStore(ctx, src, dst, sel, o, &st)
	if p != nil {
		p.stop()
	}
	if !f.quiet {
		fmt.Fprintln(e.stderr, summary(&st, time.Since(start)))
	}
	if err != nil {
		return err
	}
	if n := st.refused.Load(); n > 0 {
		return fmt.Errorf("%d samples refused by %s, e.g.: %w", n, redact(args[1]), errors.Join(refusedErrs...))
	}
	return nil
}

// summary is the line cp prints at the end.
func summary(st *copyStats, d time.Duration) string {
	n, b := st.scanned.Load(), st.bytes.Load()
	s := fmt.Sprintf("strata cp: %d samples, %s in %s (%s keys/s, %s/s): %d puts, %d tombstones, %d wildcard deletes applied; %d up to date",
		n, humanBytes(b), roundDuration(d), humanCount(rate(n, d)), humanBytes(int64(rate(b, d))),
		st.puts.Load(), st.tombstones.Load(), st.wildcards.Load(), st.outdated.Load())
	if r := st.refused.Load(); r > 0 {
		s += fmt.Sprintf("; %d refused", r)
	}
	if w := st.skippedWild.Load(); w > 0 {
		s += fmt.Sprintf("; %d wildcard deletes not copied (wider than the selector)", w)
	}
	return s
}

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// roundDuration keeps three significant digits or so.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
