// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/metrics"
	"github.com/stratakv/strata/rest"
)

// adminPrefix is where serve mounts what is not the REST API. A chunk
// that starts with "@" is verbatim in key expressions (no wildcard matches
// it), so these paths never hide a key that "**" would select.
const adminPrefix = "/@strata/"

// metricsPath and healthPath are the other admin endpoints.
const (
	metricsPath = adminPrefix + "metrics"
	healthPath  = adminPrefix + "health"
)

// shutdownTimeout bounds the graceful shutdown.
const shutdownTimeout = 10 * time.Second

type serveFlags struct {
	storeFlags
	listen                 string
	maxValue               int
	lifespan               time.Duration
	id, peers              string
	interval               time.Duration
	natsURL, natsCreds     string
	tlsCert, tlsKey, tlsCA string
	secretFile             string
	verbose                bool
}

func init() {
	register(&command{
		name:    "serve",
		args:    "[-listen ADDR] [-keyexpr EXPR] [replication flags] URL",
		summary: "serve a store over HTTP with Zenoh's REST API, metrics and replication",
		help: `Serve serves the store over HTTP with the API of Zenoh's REST plugin
(package rest), so that Zenoh's REST clients work unchanged:

	curl -X PUT -H 'Content-Type: application/json' -d '{"x":1}' localhost:8000/demo/robot/1/pose
	curl 'localhost:8000/demo/robot/*/pose'          # a JSON array of key, value, encoding, timestamp
	curl 'localhost:8000/demo/robot/1/pose?_raw'     # the raw value
	curl -N -H 'Accept: text/event-stream' 'localhost:8000/demo/**'   # live changes
	curl -X DELETE 'localhost:8000/demo/robot/**'

Besides the REST API, under /@strata/ (a verbatim chunk, that no key
expression's wildcard matches, so no common key is hidden):

	/@strata/metrics       Prometheus metrics of the store, the replica and the process
	/@strata/health        200 "ok" while serving
	/@strata/replication/  the replication endpoint, with -peers

Replication: give the replica a name (-id) and its peers by base URL
(-peers name=http://host:port,...; each peer must list this one too), or a
NATS server (-nats URL, no addresses needed). -tls-cert and -tls-key serve
HTTPS (the REST API too) and are the client certificate presented to peers;
-tls-ca verifies peers and requires, on /@strata/replication/, a client
certificate that names the sender; -secret-file signs every replication
message with a shared secret (at least 16 bytes) and keys the replication
fingerprints with it. Replicas must agree on -interval, -lifespan,
-secret-file and the store's key expression.

	strata serve -listen :8001 -id east -peers west=http://west:8002 'rocksdb:///var/lib/strata?create=true' -keyexpr 'demo/**'
	strata serve -listen :8002 -id west -peers east=http://east:8001 's3://b/west?endpoint=minio:9000&create=true' -keyexpr 'demo/**'

SIGINT or SIGTERM shuts down gracefully: the server stops accepting, live
subscriptions end, the requests in flight finish (within 10s), then
replication stops and the store closes.`,
		flags: func(fs *flag.FlagSet) any {
			f := &serveFlags{}
			f.register(fs)
			fs.StringVar(&f.listen, "listen", "127.0.0.1:8000", "address to serve HTTP on (:8000 for every interface)")
			fs.IntVar(&f.maxValue, "max-value", 0, "largest value accepted, in bytes (0: the store's default, 64 MiB; a value must fit in one replication message, 1 MiB, to replicate)")
			fs.DurationVar(&f.lifespan, "lifespan", strata.DefaultTombstoneLifespan, "how long deletes are remembered (the same on every replica)")
			fs.StringVar(&f.id, "id", "", "this replica's name, as its peers list it; needed with -peers or -nats")
			fs.StringVar(&f.peers, "peers", "", "replication peers over HTTP, as name=http://host:port,...")
			fs.DurationVar(&f.interval, "interval", antientropy.DefaultInterval, "replication interval (the same on every replica)")
			fs.StringVar(&f.natsURL, "nats", "", "replicate over NATS at these server URLs (comma-separated) instead of -peers")
			fs.StringVar(&f.natsCreds, "nats-creds", "", "NATS user credentials file, with -nats")
			fs.StringVar(&f.tlsCert, "tls-cert", "", "certificate (PEM) to serve HTTPS with and to present to peers; needs -tls-key")
			fs.StringVar(&f.tlsKey, "tls-key", "", "private key (PEM) of -tls-cert")
			fs.StringVar(&f.tlsCA, "tls-ca", "", "CA certificates (PEM) that verify the peers (mutual TLS on the replication endpoint); needs -tls-cert")
			fs.StringVar(&f.secretFile, "secret-file", "", "file holding the secret that signs replication messages (the same on every replica, at least 16 bytes)")
			fs.BoolVar(&f.verbose, "v", false, "log at Info level (default: warnings and errors)")
			return f
		},
		run: runServe, min: 1, max: 1,
	})
}

func runServe(ctx context.Context, e *env, fl any, args []string) error {
	f := fl.(*serveFlags)
	peers, err := httptransport.ParsePeers(f.peers, replicationPath)
	if err != nil {
		err = fmt.Errorf("-peers: %w", err)
	} else {
		err = checkReplicationFlags(f, peers)
	}
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	if f.lifespan <= 0 || f.maxValue < 0 {
		return &usageError{msg: "-lifespan must be positive and -max-value not negative"}
	}
	logger := e.logger
	if f.verbose {
		logger = slog.New(slog.NewTextHandler(e.stderr, nil))
	}
	sec, err := loadSecurity(f)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("%w (choose another address with -listen)", err)
	}
	defer ln.Close()
	return serve(ctx, e, f, args[0], peers, sec, ln, logger)
}

// serve serves on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, e *env, f *serveFlags, rawURL string, peers map[string]string, sec security,
	ln net.Listener, logger *slog.Logger) (err error) {
	store, err := openStore(ctx, rawURL, openOptions{mode: readWrite, flags: f.storeFlags, logger: logger,
		serve: true, tombstoneLifespan: f.lifespan, maxValueSize: f.maxValue})
	if err != nil {
		return err
	}
	defer closeStore(store, &err)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(metrics.NewStoreCollector(store, &metrics.Options{ConstLabels: prometheus.Labels{"keyexpr": store.KeyExpr()}}))

	mux := http.NewServeMux()
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	var wg sync.WaitGroup
	if len(peers) > 0 || f.natsURL != "" {
		t, err := openTransport(f, peers, sec, store.KeyExpr(), logger)
		if err != nil {
			return err
		}
		defer t.close()
		replica, err := antientropy.NewContext(ctx, store, t, &antientropy.Options{ID: f.id, Interval: f.interval,
			MaxMessageSize: t.maxMessageSize, Logger: logger,
			// The secret also keys the fingerprints, so that REST clients,
			// who choose keys and timestamps, cannot craft collisions.
			Secret: sec.secret})
		if err != nil {
			return err
		}
		defer replica.Close()
		reg.MustRegister(metrics.NewReplicaCollector(replica, &metrics.Options{ConstLabels: prometheus.Labels{"keyexpr": store.KeyExpr()}}))
		if t.serve != nil {
			if err := t.serve(replica); err != nil {
				return err
			}
		} else {
			mux.Handle(replicationPath+"/", httptransport.NewHandler(replica,
				&httptransport.HandlerOptions{Secret: sec.secret, RequireClientCert: f.tlsCA != "", CertNames: f.tlsCA != "", Logger: logger}))
		}
		wg.Go(func() { _ = replica.Run(runCtx) })
		// Run ends before the replica closes, and it before the store.
		defer func() { cancelRun(); wg.Wait() }()
	}
	mux.Handle(metricsPath, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc(healthPath, func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	// Live subscriptions end when shutting down starts; other requests
	// finish.
	streams, endStreams := context.WithCancel(context.WithoutCancel(ctx))
	defer endStreams()
	restHandler := rest.NewHandler(store, &rest.Options{Logger: logger})
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			rctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			stop := context.AfterFunc(streams, cancel)
			defer stop()
			r = r.WithContext(rctx)
		}
		restHandler.ServeHTTP(w, r)
	}))

	srv := rest.NewServer(ln.Addr().String(), mux)
	srv.TLSConfig = sec.serverTLS
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	serveErr := make(chan error, 1)
	go func() {
		if sec.serverTLS != nil {
			serveErr <- srv.ServeTLS(ln, "", "")
		} else {
			serveErr <- srv.Serve(ln)
		}
	}()
	scheme := "http"
	if sec.serverTLS != nil {
		scheme = "https"
	}
	fmt.Fprintf(e.stderr, "strata serve: serving %s (%s) on %s://%s\n", redact(rawURL), store.KeyExpr(), scheme, ln.Addr())

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		fmt.Fprintln(e.stderr, "strata serve: shutting down")
	}
	endStreams()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("shutdown: %w", serr))
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	cancelRun()
	return err
}
