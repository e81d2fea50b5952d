// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package metrics exports the statistics of a strata Store and of an
// antientropy Replica to Prometheus, as prometheus.Collector values built
// on github.com/prometheus/client_golang. Only programs that import this
// package depend on that module; the core packages keep no metrics library.
//
// [NewStoreCollector] reads Store.Stats and [NewReplicaCollector] reads
// Replica.Stats once per scrape, and report every counter under a
// conventional name: the namespace ("strata"), the subsystem ("store" or
// "replica"), what is counted, its unit, and "_total" for counters, as in
// strata_store_puts_total, strata_store_written_bytes_total and
// strata_replica_received_bytes_total; quantities that go up and down,
// such as strata_replica_log_events, are gauges. Each series has a help
// text, and the constant labels given in [Options], such as the key
// expression a store serves.
//
//	prometheus.MustRegister(metrics.NewStoreCollector(store, &metrics.Options{
//		ConstLabels: prometheus.Labels{"keyexpr": "fleet/**"},
//	}))
//	http.Handle("/metrics", promhttp.Handler())
//
// # Errors
//
// The constructors do not fail. Invalid label names or values in Options
// make registration fail (prometheus.Register returns the error,
// MustRegister panics), as does registering two collectors whose series
// would be the same: give each Store or Replica of a registry the same
// constant label names with distinct values (Prometheus wants one set of
// label names per metric).
//
// # Concurrency
//
// A collector is safe for concurrent use, as prometheus.Collector requires;
// Stats reads atomic counters and takes no lock that writers hold. A
// collector may outlive its Store or Replica: it then reports their last
// counts.
//
// # Caveats
//
//   - The counters start at zero when the Store is opened or the Replica
//     created, and are not persisted: a restart is a counter reset, which
//     Prometheus' rate and increase handle.
//   - Byte counters count value bytes (Store) or message bytes (Replica),
//     not bytes on disk.
package metrics
