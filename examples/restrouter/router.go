// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/metrics"
)

// The router's own endpoints live under the chunk @strata, which no key
// of the store can hold (see checkKeyExpr).
const (
	adminChunk      = "@strata"
	statsPath       = "/" + adminChunk + "/stats"
	metricsPath     = "/" + adminChunk + "/metrics"
	replicationPath = "/" + adminChunk + "/replication" // httptransport's BASE
)

// router serves the key/value API (package rest) at the root and its own
// endpoints under /@strata/. It routes by path prefix rather than with an
// http.ServeMux, which would clean paths and so rewrite keys such as
// "demo//a" (invalid, refused with 400) into other keys.
type router struct {
	kv          http.Handler
	store       *strata.Store
	replica     *antientropy.Replica // nil: not replicating
	replication http.Handler         // nil: not replicating over HTTP
	metrics     http.Handler

	closing    context.Context // ends when the server shuts down
	endStreams context.CancelFunc
}

// newRouter returns the router of kv, a rest.Handler over store, with the
// counters of replica (nil if not replicating) and its replication
// endpoint (nil if not over HTTP).
func newRouter(store *strata.Store, kv http.Handler, replica *antientropy.Replica, replication http.Handler) *router {
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewStoreCollector(store, nil))
	if replica != nil {
		reg.MustRegister(metrics.NewReplicaCollector(replica, nil))
	}
	closing, end := context.WithCancel(context.Background())
	return &router{kv: kv, store: store, replica: replica, replication: replication,
		metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), closing: closing, endStreams: end}
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == statsPath:
		rt.serveStats(w, r)
	case p == metricsPath:
		rt.metrics.ServeHTTP(w, r)
	case strings.HasPrefix(p, replicationPath+"/") && rt.replication != nil:
		rt.replication.ServeHTTP(w, r)
	case p == "/"+adminChunk || strings.HasPrefix(p, "/"+adminChunk+"/"):
		http.NotFound(w, r)
	case strings.Contains(r.Header.Get("Accept"), "text/event-stream"):
		// A live subscription lasts until its client leaves; a graceful
		// shutdown waits for idle connections, so it ends them itself.
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		defer context.AfterFunc(rt.closing, cancel)()
		rt.kv.ServeHTTP(w, r.WithContext(ctx))
	default:
		rt.kv.ServeHTTP(w, r)
	}
}

// stats is the JSON of /@strata/stats.
type stats struct {
	Store   strata.Stats       `json:"store"`
	Replica *antientropy.Stats `json:"replica,omitempty"`
}

func (rt *router) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	st := stats{Store: rt.store.Stats()}
	if rt.replica != nil {
		rs := rt.replica.Stats()
		st.Replica = &rs
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(st)
}
