// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/backend/memory"
)

// Two replicas that sign their messages with a shared secret. In
// production the secret is read from a file (at least MinSecretSize
// random bytes), the servers come from NewServer with ServerTLSConfig,
// and the clients take ClientTLSConfig for mutual TLS (see the package
// doc); here, plain HTTP on loopback.
func ExampleNewClientWithOptions() {
	ctx := context.Background()
	secret := []byte("a shared secret of 32 bytes.....")
	ft := antientropytest.NewFakeTime() // a clock that moves when told
	names := []string{"east", "west"}
	muxes := []*http.ServeMux{http.NewServeMux(), http.NewServeMux()}
	servers := []*httptest.Server{httptest.NewServer(muxes[0]), httptest.NewServer(muxes[1])}
	defer servers[0].Close()
	defer servers[1].Close()

	stores := make([]*strata.Store, 2)
	replicas := make([]*antientropy.Replica, 2)
	for i, name := range names {
		stores[i], _ = strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "fleet/**", Clock: ft.Clock(byte(i+1), 0)})
		defer stores[i].Close(ctx)
		client, err := httptransport.NewClientWithOptions(name,
			map[string]string{names[1-i]: servers[1-i].URL + "/replication"},
			&httptransport.ClientOptions{Secret: secret})
		if err != nil {
			fmt.Println(err)
			return
		}
		defer client.Close()
		replicas[i], _ = antientropy.New(stores[i], client, &antientropy.Options{ID: name})
		defer replicas[i].Close()
		muxes[i].Handle("/replication/", httptransport.NewHandler(replicas[i], &httptransport.HandlerOptions{Secret: secret}))
	}

	stores[0].Put(ctx, "fleet/robot/1", []byte("docked"))
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay)
	if err := replicas[1].AlignWith(ctx, "east"); err != nil {
		fmt.Println(err)
	}
	for smp := range stores[1].Get(ctx, "fleet/**") {
		fmt.Printf("west: %s = %s\n", smp.Key, smp.Value)
	}

	// Whoever does not hold the secret is refused before the replica sees anything.
	intruder := httptransport.NewClient("west", map[string]string{"east": servers[0].URL + "/replication"}, nil, 0)
	defer intruder.Close()
	_, err := intruder.Request(ctx, "east", []byte("anything"))
	fmt.Println("intruder refused:", errors.Is(err, httptransport.ErrUnauthorized))
	// Output:
	// west: fleet/robot/1 = docked
	// intruder refused: true
}
