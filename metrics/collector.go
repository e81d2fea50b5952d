// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package metrics

import "github.com/prometheus/client_golang/prometheus"

// metric describes one series exported from a statistics struct S: a
// table of them is all a collector knows, so that exporting a new field of
// S is one line.
type metric[S any] struct {
	name  string // after namespace and subsystem: "puts_total", "log_events"
	kind  prometheus.ValueType
	help  string
	value func(S) float64
}

// collector reports the metrics of a table, reading the statistics once
// per Collect.
type collector[S any] struct {
	stats   func() S
	metrics []metric[S]
	descs   []*prometheus.Desc
}

func newCollector[S any](subsystem string, stats func() S, table []metric[S], opts *Options) collector[S] {
	ns, labels := opts.namespace(), opts.constLabels()
	descs := make([]*prometheus.Desc, len(table))
	for i, m := range table {
		descs[i] = prometheus.NewDesc(prometheus.BuildFQName(ns, subsystem, m.name), m.help, nil, labels)
	}
	return collector[S]{stats: stats, metrics: table, descs: descs}
}

// Describe sends the descriptor of every metric; it implements
// prometheus.Collector.
func (c *collector[S]) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect reads the statistics once and sends every metric; it implements
// prometheus.Collector.
func (c *collector[S]) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	for i, m := range c.metrics {
		pm, err := prometheus.NewConstMetric(c.descs[i], m.kind, m.value(st))
		if err != nil {
			pm = prometheus.NewInvalidMetric(c.descs[i], err)
		}
		ch <- pm
	}
}

const (
	counter = prometheus.CounterValue
	gauge   = prometheus.GaugeValue
)
