// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Command restrouter serves a strata Store over HTTP with the API of
// Zenoh's REST plugin (package rest), so that Zenoh's REST clients work
// against it unchanged, and replicates it with its peers by anti-entropy
// (package antientropy), over HTTP or NATS.
//
//	go run ./examples/restrouter -listen 127.0.0.1:8000 -keyexpr 'demo/**'
//
//	curl -X PUT -H 'Content-Type: application/json' -d '{"x":1}' localhost:8000/demo/robot/1/pose
//	curl 'localhost:8000/demo/robot/*/pose'         # a JSON array of {"key","value","encoding","timestamp"}
//	curl 'localhost:8000/demo/robot/1/pose?_raw'    # the value itself, with its encoding as Content-Type
//	curl -N -H 'Accept: text/event-stream' 'localhost:8000/demo/**'   # live changes (Server-Sent Events)
//	curl -X DELETE 'localhost:8000/demo/robot/**'   # a wildcard delete
//	curl localhost:8000/@strata/stats               # the store's and the replica's counters, as JSON
//	curl localhost:8000/@strata/metrics             # the same, for Prometheus
//
// The key/value API is package rest's at the root: GET /<selector>,
// PUT /<key>, DELETE /<keyexpr>, live subscriptions, CORS, and the
// X-Strata-Timestamp and X-Strata-Result headers of timestamped writes; see
// its documentation for the details and the limits. What the router adds
// lives under /@strata/, which no key of the store can shadow: a chunk that
// starts with '@' matches only itself, never a wildcard, and -keyexpr may not
// include keys under @strata.
//
// -store names the backend by URL (strata.OpenURL): memory: (the default),
// rocksdb:///var/lib/east?create=true (in a build with cgo), or
// s3://bucket/east?endpoint=127.0.0.1:9000&secure=false&create=true, with
// the credentials from the environment (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, or ~/.aws).
//
// Two replicas of one key space, each naming the other:
//
//	restrouter -listen 127.0.0.1:8001 -id east -peers west=http://127.0.0.1:8002 -store 'rocksdb:///tmp/east?create=true'
//	restrouter -listen 127.0.0.1:8002 -id west -peers east=http://127.0.0.1:8001 -store 'rocksdb:///tmp/west?create=true'
//
// Each serves the replication endpoint at /@strata/replication/ (package
// httptransport); -peers names the routers' base URLs.
//
// # Secured replication
//
// Replication can be authenticated by mutual TLS, by a shared secret that
// signs every message (which also holds through a proxy that terminates
// TLS), or both; see package httptransport. Each replica has a
// certificate for its -id (as a DNS name or the common name) signed by the
// replicas' CA, and the same secret file (at least 16 bytes, e.g. made by
// `openssl rand -hex 32`, readable only by the service):
//
//	restrouter -listen 127.0.0.1:8001 -id east -peers west=https://127.0.0.1:8002 \
//	    -tls-cert east.crt -tls-key east.key -tls-ca ca.crt -secret-file replication.secret
//	restrouter -listen 127.0.0.1:8002 -id west -peers east=https://127.0.0.1:8001 \
//	    -tls-cert west.crt -tls-key west.key -tls-ca ca.crt -secret-file replication.secret
//
// -tls-cert and -tls-key serve HTTPS (the key/value API too) and are
// presented to peers as the client certificate. -tls-ca verifies the
// peers' server certificates and, on /@strata/replication/, requires a
// client certificate that it verifies and that names the sending replica;
// the key/value API does not ask for one. Without -tls-ca, peers'
// certificates are verified against the system's roots and replication
// relies on the secret alone. -secret-file signs and verifies every
// replication message and reply, and keys the replicas' fingerprints
// (antientropy.Options.Secret), so that clients who choose keys and
// timestamps cannot craft collisions that hide differences.
//
// Over NATS instead, the replicas need no address of each other, only
// the servers' (-nats-creds names a credentials file; with -tls-ca, the
// connection uses TLS with -tls-cert as its client certificate):
//
//	restrouter -listen 127.0.0.1:8001 -id east -nats nats://127.0.0.1:4222
//	restrouter -listen 127.0.0.1:8002 -id west -nats nats://127.0.0.1:4222
//
// SIGINT or SIGTERM shuts down gracefully: the server stops accepting, live
// subscriptions end, the requests in flight finish, then replication stops
// and the store closes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/keyexpr"
	"github.com/stratakv/strata/rest"
	_ "github.com/stratakv/strata/s3" // s3:// stores
)

// shutdownTimeout bounds the graceful shutdown of the server and store.
const shutdownTimeout = 10 * time.Second

// config is what the flags say.
type config struct {
	listen, keyExpr, strip string
	store                  string            // the store's URL, for strata.OpenURL
	id                     string            // this replica's name
	peers                  map[string]string // name → URL of the peer's replication endpoint
	interval               time.Duration
	maxValue               int
	tlsCert, tlsKey, tlsCA string // PEM files: this router's certificate and key, the replicas' CA
	secretFile             string // the shared secret of replication
	natsURL, natsCreds     string // replicate over NATS instead of HTTP
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "restrouter:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", cfg.listen)
	if err == nil {
		err = run(ctx, cfg, ln, logger)
	}
	if err != nil {
		logger.Error("restrouter: exiting", "err", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var cfg config
	var peers string
	fs := flag.NewFlagSet("restrouter", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8000", "address to serve HTTP on")
	fs.StringVar(&cfg.store, "store", "memory:", "the store's URL: memory:, rocksdb:///dir?create=true (with cgo) or s3://bucket/prefix?endpoint=host:port")
	fs.StringVar(&cfg.keyExpr, "keyexpr", "demo/**", "key expression the store serves")
	fs.StringVar(&cfg.strip, "strip", "", "literal prefix of -keyexpr removed from keys before the backend")
	fs.StringVar(&cfg.id, "id", "", "this replica's name, as its peers list it; required with -peers and -nats")
	fs.StringVar(&peers, "peers", "", "replication peers, as name=http://host:port,...")
	fs.DurationVar(&cfg.interval, "interval", antientropy.DefaultInterval, "replication interval (the same on every peer)")
	// A value must fit in one replication message (1 MiB) to replicate.
	fs.IntVar(&cfg.maxValue, "max-value", 256<<10, "largest value accepted, in bytes")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "certificate (PEM) to serve HTTPS with and to present to peers; needs -tls-key")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "private key (PEM) of -tls-cert")
	fs.StringVar(&cfg.tlsCA, "tls-ca", "", "CA certificates (PEM) that verify the peers, as servers and as clients of /@strata/replication/ (mutual TLS); needs -tls-cert")
	fs.StringVar(&cfg.natsURL, "nats", "", "replicate over NATS at these server URLs (comma-separated) instead of with -peers over HTTP")
	fs.StringVar(&cfg.natsCreds, "nats-creds", "", "NATS user credentials file, with -nats")
	fs.StringVar(&cfg.secretFile, "secret-file", "", "file holding the secret that signs replication messages and keys fingerprints (the same on every peer, at least 16 bytes)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if cfg.peers, err = httptransport.ParsePeers(peers, replicationPath); err != nil {
		return cfg, fmt.Errorf("-peers: %w", err)
	}
	if err := checkStoreURL(cfg.store); err != nil {
		return cfg, err
	}
	if err := checkKeyExpr(cfg.keyExpr); err != nil {
		return cfg, err
	}
	switch {
	case len(cfg.peers) > 0 && cfg.id == "":
		return cfg, errors.New("-peers needs -id, the name the peers know this replica by")
	case cfg.natsURL != "" && cfg.id == "":
		return cfg, errors.New("-nats needs -id, the name the peers know this replica by")
	case cfg.natsURL != "" && len(cfg.peers) > 0:
		return cfg, errors.New("-nats and -peers: choose one transport")
	case cfg.natsCreds != "" && cfg.natsURL == "":
		return cfg, errors.New("-nats-creds needs -nats")
	case cfg.maxValue <= 0:
		return cfg, fmt.Errorf("-max-value %d: want a positive size", cfg.maxValue)
	case (cfg.tlsCert == "") != (cfg.tlsKey == ""):
		return cfg, errors.New("-tls-cert and -tls-key go together")
	case cfg.tlsCA != "" && cfg.tlsCert == "":
		return cfg, errors.New("-tls-ca needs -tls-cert and -tls-key (mutual TLS)")
	}
	return cfg, nil
}

// checkStoreURL refuses, before anything starts, a store this build cannot
// open: RocksDB needs cgo.
func checkStoreURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("-store: %w", err)
	}
	if u.Scheme == "rocksdb" && !haveRocksDB {
		return errors.New("-store: this restrouter was built without cgo, so without RocksDB; rebuild it with CGO_ENABLED=1, or use memory: or s3://")
	}
	return nil
}

// checkKeyExpr refuses a key expression that includes keys under @strata,
// where the router's own endpoints are.
func checkKeyExpr(s string) error {
	ke, err := keyexpr.Canonize(s)
	if err != nil {
		return fmt.Errorf("-keyexpr: %w", err)
	}
	if ke.Intersects(keyexpr.MustParse(adminChunk + "/**")) {
		return fmt.Errorf("-keyexpr %q: keys under %s are the router's own endpoints", s, adminChunk)
	}
	return nil
}

// storeScheme is the scheme of a store URL, to log: the rest of the URL
// may say more than the log should.
func storeScheme(s string) string {
	scheme, _, _ := strings.Cut(s, ":")
	return scheme
}

// run serves on ln until ctx ends, then shuts down gracefully.
func run(ctx context.Context, cfg config, ln net.Listener, logger *slog.Logger) (err error) {
	defer ln.Close()
	sec, err := loadSecurity(cfg)
	if err != nil {
		return err
	}
	store, err := strata.OpenURL(ctx, cfg.store, &strata.Options{
		KeyExpr: cfg.keyExpr, StripPrefix: cfg.strip, MaxValueSize: cfg.maxValue, Logger: logger,
	})
	if err != nil {
		return err
	}
	// Shutting down takes its own deadline: ctx has ended by then.
	shutdownCtx := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	}
	defer func() {
		sctx, cancel := shutdownCtx()
		defer cancel()
		err = errors.Join(err, store.Close(sctx))
	}()

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	var replica *antientropy.Replica
	var replication http.Handler // the endpoint of replication over HTTP
	var wg sync.WaitGroup
	if len(cfg.peers) > 0 || cfg.natsURL != "" {
		rep, err := openReplication(cfg, sec, store.KeyExpr(), logger)
		if err != nil {
			return err
		}
		defer rep.close()
		replica, err = antientropy.New(store, rep.transport, &antientropy.Options{ID: cfg.id, Interval: cfg.interval,
			MaxMessageSize: rep.maxMessageSize, Logger: logger, Secret: sec.secret})
		if err != nil {
			return err
		}
		defer replica.Close()
		if rep.serve != nil { // NATS
			if err := rep.serve(replica); err != nil {
				return err
			}
		} else {
			replication = httptransport.NewHandler(replica, &httptransport.HandlerOptions{
				Secret: sec.secret, CertNames: cfg.tlsCA != "", Context: runCtx, Logger: logger})
		}
		wg.Go(func() { _ = replica.Run(runCtx) })
	}
	kv := rest.NewHandler(store, &rest.Options{MaxBodyBytes: int64(cfg.maxValue), Logger: logger})
	rt := newRouter(store, kv, replica, replication)

	srv := rest.NewServer("", rt)
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
	logger.Info("restrouter: serving", "addr", ln.Addr().String(), "keyexpr", store.KeyExpr(),
		"store", storeScheme(cfg.store), "replica", cfg.id, "peers", len(cfg.peers), "nats", cfg.natsURL != "")

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		logger.Info("restrouter: shutting down")
	}
	sctx, cancel := shutdownCtx()
	defer cancel()
	rt.endStreams() // live subscriptions never go idle on their own
	if serr := srv.Shutdown(sctx); serr != nil {
		err = errors.Join(err, fmt.Errorf("restrouter: shutdown: %w", serr))
	}
	cancelRun() // ends Run and the alignments that incoming digests started
	wg.Wait()
	return err
}
