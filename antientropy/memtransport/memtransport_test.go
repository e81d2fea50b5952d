// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package memtransport_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stratakv/strata/antientropy/memtransport"
)

type recorder struct {
	mu       sync.Mutex
	requests int
	bcasts   int
}

func (r *recorder) HandleBroadcast(context.Context, string, []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bcasts++
	return nil
}

func (r *recorder) HandleRequest(_ context.Context, _ string, msg []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	return append([]byte("re:"), msg...), nil
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	net := memtransport.New(3)
	a, b, c := net.Join("a"), net.Join("b"), net.Join("c")
	rb, rc := &recorder{}, &recorder{}
	b.Serve(rb)
	c.Serve(rc)
	reply, err := a.Request(ctx, "b", []byte("x"))
	if err != nil || string(reply) != "re:x" {
		t.Fatalf("Request = %q, %v", reply, err)
	}
	if _, err := a.Request(ctx, "nobody", nil); !errors.Is(err, memtransport.ErrUnreachable) {
		t.Fatalf("unknown peer: %v", err)
	}
	net.Partition([]string{"a", "b"}, []string{"c"})
	if _, err := a.Request(ctx, "c", nil); !errors.Is(err, memtransport.ErrUnreachable) {
		t.Fatalf("across the partition: %v", err)
	}
	_ = a.Broadcast(ctx, []byte("d"))
	if rb.bcasts != 1 || rc.bcasts != 0 {
		t.Fatalf("broadcast across a partition: b %d, c %d", rb.bcasts, rc.bcasts)
	}
	net.Heal()
	net.SetFaults(memtransport.Faults{Loss: 1})
	if _, err := a.Request(ctx, "b", nil); !errors.Is(err, memtransport.ErrLost) {
		t.Fatalf("total loss: %v", err)
	}
	net.SetFaults(memtransport.Faults{Duplicate: 1})
	before := rb.requests
	if _, err := a.Request(ctx, "b", nil); err != nil || rb.requests != before+2 {
		t.Fatalf("duplicated request handled %d times, %v", rb.requests-before, err)
	}
	cnt := &memtransport.Counting{T: a}
	net.SetFaults(memtransport.Faults{})
	_, _ = cnt.Request(ctx, "b", []byte("12345"))
	_ = cnt.Broadcast(ctx, []byte("123"))
	if got := cnt.Counts(); got != (memtransport.Counts{Broadcasts: 1, RoundTrips: 1, Bytes: 5 + 8 + 3}) {
		t.Fatalf("counts %+v", got)
	}
}

// The same seed gives the same fates.
func TestDeterministic(t *testing.T) {
	fates := func() []bool {
		net := memtransport.New(42)
		a, b := net.Join("a"), net.Join("b")
		b.Serve(&recorder{})
		net.SetFaults(memtransport.Faults{Loss: 0.5})
		var out []bool
		for range 64 {
			_, err := a.Request(context.Background(), "b", nil)
			out = append(out, err == nil)
		}
		return out
	}
	x, y := fates(), fates()
	for i := range x {
		if x[i] != y[i] {
			t.Fatal("two networks with one seed diverged")
		}
	}
}
