// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package metrics_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/metrics"
)

// A Store's statistics in a Prometheus registry. A program would serve the
// registry with promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), or
// register with prometheus.MustRegister and serve promhttp.Handler().
func Example() {
	ctx := context.Background()
	store, _ := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "fleet/**"})
	defer store.Close(ctx)

	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewStoreCollector(store, &metrics.Options{
		ConstLabels: prometheus.Labels{"keyexpr": "fleet/**"},
	}))

	store.Put(ctx, "fleet/robot/1", []byte("docked"))
	store.Put(ctx, "fleet/robot/2", []byte("moving"))

	families, _ := reg.Gather()
	for _, f := range families {
		if name := f.GetName(); strings.HasSuffix(name, "puts_total") || strings.HasSuffix(name, "written_bytes_total") {
			m := f.GetMetric()[0]
			fmt.Printf("%s{%s=%q} %v\n", name, m.GetLabel()[0].GetName(), m.GetLabel()[0].GetValue(), m.GetCounter().GetValue())
		}
	}
	// Output:
	// strata_store_puts_total{keyexpr="fleet/**"} 2
	// strata_store_written_bytes_total{keyexpr="fleet/**"} 12
}
