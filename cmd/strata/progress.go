// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress redraws a progress bar of a copy on a terminal, every
// progressPeriod, until stop.
type progress struct {
	w     io.Writer
	st    *copyStats
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup
}

const progressPeriod = 200 * time.Millisecond

func startProgress(w io.Writer, st *copyStats, start time.Time) *progress {
	p := &progress{w: w, st: st, start: start, done: make(chan struct{})}
	p.wg.Go(func() {
		t := time.NewTicker(progressPeriod)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				fmt.Fprint(p.w, "\r"+progressLine(p.st, time.Since(p.start))+"\x1b[K")
			}
		}
	})
	return p
}

// stop draws the bar a last time and ends its line.
func (p *progress) stop() {
	close(p.done)
	p.wg.Wait()
	fmt.Fprint(p.w, "\r"+progressLine(p.st, time.Since(p.start))+"\x1b[K\n")
}

// progressLine is one state of the bar:
//
//	[#########...........]  45% 9,000/20,000 keys  900 kB  4,500 keys/s  450 kB/s  ETA 2s
func progressLine(st *copyStats, elapsed time.Duration) string {
	n, b, total := st.written.Load(), st.writtenBytes.Load(), st.total.Load()
	keysRate := rate(n, elapsed)
	var sb strings.Builder
	if total >= 0 {
		const width = 20
		frac := 1.0
		if total > 0 {
			frac = min(float64(n)/float64(total), 1)
		}
		filled := int(frac * width)
		fmt.Fprintf(&sb, "[%s%s] %3.0f%% %s/%s keys", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
			frac*100, humanCount(float64(n)), humanCount(float64(total)))
	} else {
		fmt.Fprintf(&sb, "%s keys", humanCount(float64(n)))
	}
	fmt.Fprintf(&sb, "  %s  %s keys/s  %s/s", humanBytes(b), humanCount(keysRate), humanBytes(int64(rate(b, elapsed))))
	if total > n && keysRate > 0 {
		eta := time.Duration(float64(total-n) / keysRate * float64(time.Second))
		fmt.Fprintf(&sb, "  ETA %s", eta.Round(time.Second))
	}
	return sb.String()
}

// humanCount writes n with thousands separators.
func humanCount(f float64) string {
	s := fmt.Sprintf("%.0f", f)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// humanBytes writes n bytes in decimal units.
func humanBytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}
