// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy_test

import (
	"context"
	"fmt"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
	"github.com/stratakv/strata/backend/memory"
)

// Two replicas over the in-memory transport: each writes, a digest is
// published, and the other pulls what it lacks.
func Example() {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime() // a clock that moves when told
	net := memtransport.New(1)
	var stores [2]*strata.Store
	var replicas [2]*antientropy.Replica
	for i, name := range []string{"east", "west"} {
		s, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "fleet/**", Clock: ft.Clock(byte(i+1), 0)})
		defer s.Close(ctx)
		ep := net.Join(name)
		r, err := antientropy.New(s, ep, &antientropy.Options{ID: name})
		if err != nil {
			fmt.Println(err)
			return
		}
		defer r.Close()
		ep.Serve(r)
		stores[i], replicas[i] = s, r
	}

	stores[0].Put(ctx, "fleet/robot/1", []byte("docked"))
	stores[1].Put(ctx, "fleet/robot/2", []byte("moving"))
	stores[1].Delete(ctx, "fleet/robot/3")

	// Writes join the digest once their interval has ended.
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay)
	for _, r := range replicas {
		r.Publish(ctx) // what Run does once per interval
	}

	for smp := range stores[0].Get(ctx, "fleet/**") {
		fmt.Printf("east: %s = %s\n", smp.Key, smp.Value)
	}
	for smp := range stores[1].Get(ctx, "fleet/**") {
		fmt.Printf("west: %s = %s\n", smp.Key, smp.Value)
	}
	st := replicas[1].Stats()
	fmt.Println("west fetched", st.SamplesFetched, "sample(s)")
	// Output:
	// east: fleet/robot/1 = docked
	// east: fleet/robot/2 = moving
	// west: fleet/robot/1 = docked
	// west: fleet/robot/2 = moving
	// west fetched 1 sample(s)
}
