// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package metrics

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
)

// TestTablesCoverStats checks that every field of the statistics structs
// is exported exactly once: it fills each field with a distinct value and
// looks for every value among the table's outputs. A field added to Stats
// without its line in the table fails here.
func TestTablesCoverStats(t *testing.T) {
	checkTable(t, storeMetrics)
	checkTable(t, replicaMetrics)
}

func checkTable[S any](t *testing.T, table []metric[S]) {
	t.Helper()
	var s S
	v := reflect.ValueOf(&s).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Type() == reflect.TypeFor[time.Duration]():
			f.SetInt(int64(i+1) * int64(time.Second)) // exported in seconds
		case f.CanUint():
			f.SetUint(uint64(i + 1))
		case f.CanInt():
			f.SetInt(int64(i + 1))
		case f.CanFloat():
			f.SetFloat(float64(i + 1))
		default:
			t.Fatalf("%T.%s: type %s has no metric form", s, v.Type().Field(i).Name, f.Type())
		}
	}
	seen := map[float64]string{}
	names := map[string]bool{}
	for _, m := range table {
		x := m.value(s)
		if prev, dup := seen[x]; dup {
			t.Errorf("%T: %s and %s export the same field", s, prev, m.name)
		}
		seen[x] = m.name
		if names[m.name] {
			t.Errorf("%T: %s twice", s, m.name)
		}
		names[m.name] = true
		if counterName := strings.HasSuffix(m.name, "_total"); counterName != (m.kind == prometheus.CounterValue) {
			t.Errorf("%s: a counter's name, and only a counter's, ends in _total", m.name)
		}
		if m.help == "" || !strings.HasSuffix(m.help, ".") {
			t.Errorf("%s: help %q", m.name, m.help)
		}
	}
	for i := range v.NumField() {
		if _, ok := seen[float64(i+1)]; !ok {
			t.Errorf("%T.%s is not exported", s, v.Type().Field(i).Name)
		}
	}
}

var (
	_ prometheus.Collector = (*StoreCollector)(nil)
	_ prometheus.Collector = (*ReplicaCollector)(nil)
	_                      = strata.Stats{}
	_                      = antientropy.Stats{}
)
