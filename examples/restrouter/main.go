// Command restrouter is a small HTTP router over a strata Store: it
// receives samples, stores them (in memory or in RocksDB), answers
// queries, and replicates with its peers by anti-entropy over HTTP.
//
//	go run ./examples/restrouter -listen 127.0.0.1:8000 -keyexpr 'demo/**'
//
//	curl -X PUT -H 'Content-Type: application/json' -d '{"x":1}' localhost:8000/kv/demo/robot/1/pose
//	curl -i localhost:8000/kv/demo/robot/1/pose              # the value, its Content-Type and timestamp
//	curl 'localhost:8000/kv/demo/robot/*/pose?limit=100'      # a JSON array, in key order
//	curl -X PUT -H 'Content-Type: text/plain' -H 'X-Strata-Timestamp: 7594873498672185344/2a' \
//	     --data-binary 87 localhost:8000/kv/demo/robot/1/battery             # a sample with its own timestamp
//	curl -X DELETE 'localhost:8000/kv/demo/robot/**'          # a wildcard delete
//	curl localhost:8000/stats
//
// Two replicas of one key space, each naming the other:
//
//	restrouter -listen 127.0.0.1:8001 -id east -peers west=http://127.0.0.1:8002 -backend rocksdb -dir /tmp/east
//	restrouter -listen 127.0.0.1:8002 -id west -peers east=http://127.0.0.1:8001 -backend rocksdb -dir /tmp/west
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
// peers' server certificates and, on /replication/, requires a client
// certificate that it verifies and that names the sending replica; the
// key/value API does not ask for one. Without -tls-ca, peers' certificates
// are verified against the system's roots and replication relies on the
// secret alone. -secret-file signs and verifies every replication message
// and reply.
//
// Over NATS instead, the replicas need no address of each other, only
// the servers' (-nats-creds names a credentials file; with -tls-ca, the
// connection uses TLS with -tls-cert as its client certificate):
//
//	restrouter -listen 127.0.0.1:8001 -id east -nats nats://127.0.0.1:4222
//	restrouter -listen 127.0.0.1:8002 -id west -nats nats://127.0.0.1:4222
//
// # HTTP API
//
// PUT /kv/KEY stores the body under KEY, with the Content-Type as its
// encoding. With an X-Strata-Timestamp header ("<u64>/<hex id>", as the
// answers carry it) the sample keeps that timestamp (Store.Apply), else it
// is stamped by the store's clock. DELETE /kv/KEY-OR-EXPR deletes a key or,
// with a wildcard expression (URL-escaped if need be), every matching key;
// it takes X-Strata-Timestamp too. Every write answers with the sample's
// X-Strata-Timestamp and an X-Strata-Result of inserted, replaced, deleted
// or outdated:
//
//	201 Created       inserted: the key had no live value
//	200 OK            replaced: an older value was replaced
//	204 No Content    deleted
//	409 Conflict      outdated: the store holds a newer value or delete for
//	                  the key; nothing changed. Final: do not retry.
//
// GET /kv/KEY answers the value, with its encoding as Content-Type
// (application/octet-stream if it has none) and its X-Strata-Timestamp,
// or 404. GET /kv/EXPR with a wildcard expression streams a JSON array of
// {"key","value","encoding","timestamp"} in key order; value is the text
// for text, JSON and XML encodings, else base64 with "base64": true. The
// limit query parameter bounds the array.
//
// GET /stats answers the store's counters, and the replica's when
// replicating, as JSON. /replication/ is the replication endpoint
// (package httptransport), mounted when -peers is given.
//
// Errors: 400 for an invalid key, expression, timestamp, limit or sample,
// or a timestamp too far in the future; 403 for a write outside -keyexpr
// (reads outside it find nothing: 404); 413 for a value larger than
// -max-value; 503 while shutting down.
//
// SIGINT or SIGTERM shuts down gracefully: the server stops accepting and
// finishes the requests in flight, then replication stops and the store
// closes.
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
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/rocksdb"
)

// shutdownTimeout bounds the graceful shutdown of the server and store.
const shutdownTimeout = 10 * time.Second

// config is what the flags say.
type config struct {
	listen, keyExpr, strip string
	backend, dir           string
	id                     string
	peers                  map[string]string // name → base URL of the peer's router
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
	fs.StringVar(&cfg.keyExpr, "keyexpr", "demo/**", "key expression the store serves")
	fs.StringVar(&cfg.strip, "strip", "", "literal prefix of -keyexpr removed from keys before the backend")
	fs.StringVar(&cfg.backend, "backend", "memory", "storage backend: memory or rocksdb")
	fs.StringVar(&cfg.dir, "dir", "", "RocksDB directory (created if missing); required with -backend rocksdb")
	fs.StringVar(&cfg.id, "id", "", "this replica's name, as its peers list it; required with -peers")
	fs.StringVar(&peers, "peers", "", "replication peers, as name=http://host:port,...")
	fs.DurationVar(&cfg.interval, "interval", antientropy.DefaultInterval, "replication interval (the same on every peer)")
	// A value must fit in one replication message (1 MiB) to replicate.
	fs.IntVar(&cfg.maxValue, "max-value", 256<<10, "largest value accepted, in bytes")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "certificate (PEM) to serve HTTPS with and to present to peers; needs -tls-key")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "private key (PEM) of -tls-cert")
	fs.StringVar(&cfg.tlsCA, "tls-ca", "", "CA certificates (PEM) that verify the peers, as servers and as clients of /replication/ (mutual TLS); needs -tls-cert")
	fs.StringVar(&cfg.natsURL, "nats", "", "replicate over NATS at these server URLs (comma-separated) instead of with -peers over HTTP")
	fs.StringVar(&cfg.natsCreds, "nats-creds", "", "NATS user credentials file, with -nats")
	fs.StringVar(&cfg.secretFile, "secret-file", "", "file holding the secret that signs replication messages (the same on every peer, at least 16 bytes)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if cfg.peers, err = parsePeers(peers); err != nil {
		return cfg, err
	}
	switch {
	case cfg.backend != "memory" && cfg.backend != "rocksdb":
		return cfg, fmt.Errorf("-backend %q: want memory or rocksdb", cfg.backend)
	case cfg.backend == "rocksdb" && cfg.dir == "":
		return cfg, errors.New("-backend rocksdb needs -dir")
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

// parsePeers parses "name=http://host:port,..." into names and the base
// URLs of the peers' replication endpoints.
func parsePeers(s string) (map[string]string, error) {
	peers := map[string]string{}
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		name, u, ok := strings.Cut(p, "=")
		if !ok || name == "" || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
			return nil, fmt.Errorf("-peers: %q is not name=http://host:port", p)
		}
		if _, dup := peers[name]; dup {
			return nil, fmt.Errorf("-peers: %q is listed twice", name)
		}
		peers[name] = strings.TrimSuffix(u, "/") + "/replication"
	}
	return peers, nil
}

// openStore opens the backend that cfg names and a store over it.
func openStore(ctx context.Context, cfg config, logger *slog.Logger) (*strata.Store, error) {
	var b backend.Backend = memory.New()
	if cfg.backend == "rocksdb" {
		rb, err := rocksdb.Open(cfg.dir, &rocksdb.Options{CreateIfMissing: true})
		if err != nil {
			return nil, err
		}
		b = rb
	}
	store, err := strata.Open(ctx, b, &strata.Options{
		KeyExpr: cfg.keyExpr, StripPrefix: cfg.strip, MaxValueSize: cfg.maxValue, Logger: logger,
	})
	if err != nil {
		_ = b.Close(ctx)
		return nil, err
	}
	return store, nil
}

// run serves on ln until ctx ends, then shuts down gracefully.
func run(ctx context.Context, cfg config, ln net.Listener, logger *slog.Logger) (err error) {
	defer ln.Close()
	store, err := openStore(ctx, cfg, logger)
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
	var wg sync.WaitGroup
	sec, err := loadSecurity(cfg)
	if err != nil {
		return err
	}
	overHTTP := len(cfg.peers) > 0
	if overHTTP || cfg.natsURL != "" {
		rep, err := openReplication(cfg, sec, store.KeyExpr(), logger)
		if err != nil {
			return err
		}
		defer rep.close()
		replica, err = antientropy.New(store, rep.transport, &antientropy.Options{ID: cfg.id, Interval: cfg.interval,
			MaxMessageSize: rep.maxMessageSize, Logger: logger})
		if err != nil {
			return err
		}
		defer replica.Close()
		if rep.serve != nil {
			if err := rep.serve(replica); err != nil {
				return err
			}
		}
		wg.Go(func() { _ = replica.Run(runCtx) })
	}

	router := NewRouter(store, &RouterOptions{MaxValueSize: cfg.maxValue, Replica: replica, Context: runCtx, Logger: logger,
		Replication: &httptransport.HandlerOptions{Secret: sec.secret, CertNames: cfg.tlsCA != ""}, NoReplicationEndpoint: !overHTTP})
	srv := &http.Server{
		Handler:           router,
		TLSConfig:         sec.serverTLS,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() {
		if sec.serverTLS != nil {
			serveErr <- srv.ServeTLS(ln, "", "")
		} else {
			serveErr <- srv.Serve(ln)
		}
	}()
	logger.Info("restrouter: serving", "addr", ln.Addr().String(), "keyexpr", store.KeyExpr(),
		"backend", cfg.backend, "replica", cfg.id, "peers", len(cfg.peers))

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		logger.Info("restrouter: shutting down")
	}
	sctx, cancel := shutdownCtx()
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		err = errors.Join(err, fmt.Errorf("restrouter: shutdown: %w", serr))
	}
	cancelRun() // ends Run and the alignments that incoming digests started
	wg.Wait()
	return err
}
