// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package metrics_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/antientropytest"
	"github.com/stratakv/strata/antientropy/memtransport"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/hlc"
	"github.com/stratakv/strata/metrics"
)

// scrape serves reg over HTTP with promhttp, as a Prometheus server would
// see it, and returns the value of every series (name and labels as
// written) and the HELP and TYPE of every metric family.
func scrape(t *testing.T, reg *prometheus.Registry) (series map[string]float64, help, typ map[string]string) {
	t.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s", resp.Status)
	}
	series, help, typ = map[string]float64{}, map[string]string{}, map[string]string{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# HELP "):
			name, text, _ := strings.Cut(strings.TrimPrefix(line, "# HELP "), " ")
			help[name] = text
		case strings.HasPrefix(line, "# TYPE "):
			name, kind, _ := strings.Cut(strings.TrimPrefix(line, "# TYPE "), " ")
			typ[name] = kind
		case line != "":
			i := strings.LastIndexByte(line, ' ')
			v, err := strconv.ParseFloat(line[i+1:], 64)
			if err != nil {
				t.Fatalf("scrape: %q: %v", line, err)
			}
			series[line[:i]] = v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return series, help, typ
}

func TestStoreCollector(t *testing.T) {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime()
	store, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "fleet/**", Clock: ft.Clock(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(ctx)
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewStoreCollector(store, &metrics.Options{
		ConstLabels: prometheus.Labels{"keyexpr": "fleet/**"},
	}))

	// Real writes and reads: two values of 6 and 4 bytes, a read of
	// both, a delete, a wildcard delete, and a sample older than the
	// stored one.
	first, err := store.Put(ctx, "fleet/a", []byte("docked"))
	if err != nil {
		t.Fatal(err)
	}
	ft.Advance(1e6)
	if _, err := store.Put(ctx, "fleet/b", []byte("busy")); err != nil {
		t.Fatal(err)
	}
	read := 0
	for smp, err := range store.Get(ctx, "fleet/**") {
		if err != nil {
			t.Fatal(err)
		}
		read += len(smp.Value)
	}
	if _, err := store.Delete(ctx, "fleet/b"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Delete(ctx, "fleet/x/**"); err != nil {
		t.Fatal(err)
	}
	older := strata.Sample{Key: "fleet/a", Value: []byte("old"), Kind: strata.KindPut,
		Timestamp: hlc.Timestamp{Time: first.Time - 1, ID: first.ID}}
	if res, err := store.Apply(ctx, older); err != nil || res != strata.Outdated {
		t.Fatalf("Apply(older) = %v, %v", res, err)
	}

	series, help, typ := scrape(t, reg)
	const lbl = `{keyexpr="fleet/**"}`
	want := map[string]float64{
		"strata_store_puts_total":             2,
		"strata_store_written_bytes_total":    10,
		"strata_store_read_bytes_total":       10,
		"strata_store_gets_total":             1,
		"strata_store_outdated_total":         1,
		"strata_store_wildcard_deletes_total": 1,
		"strata_store_refused_total":          0,
		"strata_store_gc_runs_total":          0,
	}
	if read != 10 {
		t.Fatalf("read %d bytes", read)
	}
	for name, v := range want {
		if got, ok := series[name+lbl]; !ok || got != v {
			t.Errorf("%s%s = %v (present %v), want %v", name, lbl, got, ok, v)
		}
	}
	// Every series matches Stats, has a help text and a type.
	st := store.Stats()
	if got := series["strata_store_deletes_total"+lbl]; got != float64(st.Deletes) || got < 1 {
		t.Errorf("deletes_total = %v, Stats().Deletes = %d", got, st.Deletes)
	}
	if len(series) != 12 {
		t.Errorf("scraped %d series, want 12: %v", len(series), series)
	}
	for s := range series {
		name, _, _ := strings.Cut(s, "{")
		if !strings.HasSuffix(s, lbl) || help[name] == "" || typ[name] != "counter" {
			t.Errorf("series %q: help %q, type %q", s, help[name], typ[name])
		}
	}
}

func TestReplicaCollector(t *testing.T) {
	ctx := context.Background()
	ft := antientropytest.NewFakeTime()
	net := memtransport.New(1)
	var stores [2]*strata.Store
	var replicas [2]*antientropy.Replica
	reg := prometheus.NewRegistry()
	for i, name := range []string{"east", "west"} {
		s, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "fleet/**", Clock: ft.Clock(byte(i+1), 0)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(ctx)
		ep := net.Join(name)
		r, err := antientropy.New(s, ep, &antientropy.Options{ID: name})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		ep.Serve(r)
		stores[i], replicas[i] = s, r
		labels := prometheus.Labels{"replica": name}
		reg.MustRegister(metrics.NewReplicaCollector(r, &metrics.Options{ConstLabels: labels}))
		reg.MustRegister(metrics.NewStoreCollector(s, &metrics.Options{ConstLabels: labels}))
	}

	if _, err := stores[0].Put(ctx, "fleet/robot/1", []byte("docked")); err != nil {
		t.Fatal(err)
	}
	if _, err := stores[1].Put(ctx, "fleet/robot/2", []byte("moving")); err != nil {
		t.Fatal(err)
	}
	ft.Advance(antientropy.DefaultInterval + antientropy.DefaultPropagationDelay)
	for _, r := range replicas {
		if err := r.Publish(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range stores {
		if got := antientropytest.Live(t, s); len(got) != 2 {
			t.Fatalf("replica %d holds %v", i, got)
		}
	}

	series, help, typ := scrape(t, reg)
	for i, name := range []string{"east", "west"} {
		lbl := `{replica="` + name + `"}`
		st := replicas[i].Stats()
		checks := map[string]uint64{
			"strata_replica_messages_sent_total":     st.MessagesSent,
			"strata_replica_messages_received_total": st.MessagesReceived,
			"strata_replica_sent_bytes_total":        st.BytesSent,
			"strata_replica_received_bytes_total":    st.BytesReceived,
			"strata_replica_digests_sent_total":      st.DigestsSent,
			"strata_replica_samples_applied_total":   st.SamplesApplied,
			"strata_replica_log_events":              st.LogEvents,
		}
		for series_, v := range checks {
			if got, ok := series[series_+lbl]; !ok || got != float64(v) {
				t.Errorf("%s%s = %v (present %v), Stats says %d", series_, lbl, got, ok, v)
			}
		}
		// Each replica holds both keys, and learnt one from the other,
		// over messages that were counted.
		if got := series["strata_replica_log_events"+lbl]; got != 2 {
			t.Errorf("%s: log_events = %v, want 2", name, got)
		}
		if got := series["strata_replica_samples_applied_total"+lbl]; got != 1 {
			t.Errorf("%s: samples_applied_total = %v, want 1", name, got)
		}
		if series["strata_replica_digests_sent_total"+lbl] != 1 || series["strata_replica_sent_bytes_total"+lbl] == 0 {
			t.Errorf("%s: digests_sent_total %v, sent_bytes_total %v", name,
				series["strata_replica_digests_sent_total"+lbl], series["strata_replica_sent_bytes_total"+lbl])
		}
		// The store under each replica counts its local put and the one
		// replication applied.
		if got := series["strata_store_puts_total"+lbl]; got != 2 {
			t.Errorf("%s: strata_store_puts_total = %v, want 2", name, got)
		}
	}
	if typ["strata_replica_log_events"] != "gauge" || typ["strata_replica_alignments_total"] != "counter" ||
		help["strata_replica_received_bytes_total"] == "" {
		t.Errorf("types %v, help %v", typ, help)
	}
	// One series per field of each stats struct, per replica.
	want := 2 * (reflect.TypeFor[antientropy.Stats]().NumField() + reflect.TypeFor[strata.Stats]().NumField())
	if n := len(series); n != want {
		t.Errorf("scraped %d series, want %d", n, want)
	}
}

// TestConventions runs client_golang's linter (promlint) over both
// collectors.
func TestConventions(t *testing.T) {
	ctx := context.Background()
	store, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "a/**"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(ctx)
	r, err := antientropy.New(store, memtransport.New(1).Join("a"), &antientropy.Options{ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, c := range []prometheus.Collector{metrics.NewStoreCollector(store, nil), metrics.NewReplicaCollector(r, nil)} {
		problems, err := testutil.CollectAndLint(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	}
}

func TestOptions(t *testing.T) {
	ctx := context.Background()
	store, err := strata.Open(ctx, memory.New(), &strata.Options{KeyExpr: "a/**"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(ctx)
	if _, err := store.Put(ctx, "a/b", []byte("xyz")); err != nil {
		t.Fatal(err)
	}

	// Another namespace; the labels are copied, not kept.
	labels := prometheus.Labels{"site": "lab"}
	c := metrics.NewStoreCollector(store, &metrics.Options{Namespace: "kv", ConstLabels: labels})
	labels["site"] = "changed"
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	series, _, _ := scrape(t, reg)
	if got, ok := series[`kv_store_written_bytes_total{site="lab"}`]; !ok || got != 3 {
		t.Errorf("kv_store_written_bytes_total = %v, %v; series %v", got, ok, series)
	}

	// Two collectors of the same series clash; distinct label values do
	// not.
	reg = prometheus.NewRegistry()
	copyLabel := func(v string) *metrics.Options {
		return &metrics.Options{ConstLabels: prometheus.Labels{"copy": v}}
	}
	reg.MustRegister(metrics.NewStoreCollector(store, copyLabel("1")))
	if err := reg.Register(metrics.NewStoreCollector(store, copyLabel("1"))); err == nil {
		t.Error("a second collector with the same series registered")
	}
	if err := reg.Register(metrics.NewStoreCollector(store, copyLabel("2"))); err != nil {
		t.Errorf("a collector with distinct labels: %v", err)
	}
	if series, _, _ := scrape(t, reg); series[`strata_store_puts_total{copy="2"}`] != 1 {
		t.Errorf("second collector: %v", series)
	}

	// An invalid label name (the prefix "__" is reserved) fails
	// registration, with the error.
	bad := metrics.NewStoreCollector(store, &metrics.Options{ConstLabels: prometheus.Labels{"__reserved": "x"}})
	if err := prometheus.NewRegistry().Register(bad); err == nil {
		t.Error("a collector with an invalid label name registered")
	}
}

func TestNilPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"store":   func() { metrics.NewStoreCollector(nil, nil) },
		"replica": func() { metrics.NewReplicaCollector(nil, nil) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "nil") {
					t.Errorf("%s: recovered %v", name, r)
				}
			}()
			f()
		}()
	}
}
