// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package metrics

import "github.com/stratakv/strata"

// storeMetrics lists the series of a StoreCollector, one per field of
// strata.Stats.
var storeMetrics = []metric[strata.Stats]{
	{"puts_total", counter, "Values written by Put and Apply.", func(s strata.Stats) float64 { return float64(s.Puts) }},
	{"deletes_total", counter, "Tombstones written, wildcard deletes included.", func(s strata.Stats) float64 { return float64(s.Deletes) }},
	{"wildcard_deletes_total", counter, "Wildcard deletes applied.", func(s strata.Stats) float64 { return float64(s.WildcardDeletes) }},
	{"gets_total", counter, "Get and Scan calls that reached the backend.", func(s strata.Stats) float64 { return float64(s.Gets) }},
	{"outdated_total", counter, "Samples refused by last-writer-wins: the store had a newer one.", func(s strata.Stats) float64 { return float64(s.Outdated) }},
	{"refused_total", counter, "Samples refused for a timestamp too far in the future.", func(s strata.Stats) float64 { return float64(s.Refused) }},
	{"conflicts_total", counter, "Conditional writes retried after a conflict with another writer.", func(s strata.Stats) float64 { return float64(s.Conflicts) }},
	{"written_bytes_total", counter, "Value bytes written.", func(s strata.Stats) float64 { return float64(s.BytesWritten) }},
	{"read_bytes_total", counter, "Value bytes yielded by Get and Scan.", func(s strata.Stats) float64 { return float64(s.BytesRead) }},
	{"gc_runs_total", counter, "Garbage collections run.", func(s strata.Stats) float64 { return float64(s.GCRuns) }},
	{"gc_tombstones_erased_total", counter, "Tombstones erased by garbage collection.", func(s strata.Stats) float64 { return float64(s.GCTombstones) }},
	{"gc_wildcard_deletes_forgotten_total", counter, "Remembered wildcard deletes forgotten by garbage collection.", func(s strata.Stats) float64 { return float64(s.GCWildcards) }},
}

// StoreCollector is a prometheus.Collector of the statistics of one Store,
// under the subsystem "store": strata_store_puts_total and so on. Create it
// with NewStoreCollector; it is safe for concurrent use.
type StoreCollector struct {
	collector[strata.Stats]
}

// NewStoreCollector returns a collector of store's statistics (Store.Stats),
// configured by opts; nil opts means the defaults. Register it with a
// prometheus.Registerer. It panics if store is nil.
func NewStoreCollector(store *strata.Store, opts *Options) *StoreCollector {
	if store == nil {
		panic("metrics: NewStoreCollector with a nil *strata.Store")
	}
	return &StoreCollector{newCollector("store", store.Stats, storeMetrics, opts)}
}
