// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Command warehouse shows two replicas of one key space staying aligned
// through a network partition. The edge replica runs in the warehouse, on
// RocksDB: its robots write their poses and battery levels there, and
// report their missions done. The cloud replica runs on S3: operators
// assign missions there and decommission robots. The two replicate by
// anti-entropy (package antientropy) over an in-process network
// (package memtransport) that can be cut.
//
//	make warehouse                          # with a MinIO of its own
//	AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… \
//	    go run ./examples/warehouse -s3-endpoint http://127.0.0.1:9000
//
// The scenario, in three phases of -phase each:
//
//  1. Connected: the robots write at the edge, the cloud assigns missions;
//     then the writers pause and the replicas converge.
//  2. The link is cut (the network drops every message). Robot 3 goes
//     offline; both sides keep writing: the cloud decommissions robot 3
//     (DELETE warehouse/robot/3/**, a wildcard delete), and robots 1 and 2
//     report their missions done while the cloud reassigns them (the same
//     key written on both sides: the later write wins).
//  3. The link heals, and the replicas converge.
//
// It prints a timeline (writes per side, the differences when the link
// heals, the time to converge) and checks that both replicas end with
// the same state: the same keys with the same values, encodings and
// timestamps, the same remembered wildcard deletes, and nothing left of
// robot 3. It exits with status 1 if they do not converge within
// -timeout, and 2 for bad flags.
//
// The S3 server is -s3-endpoint, else $STRATA_S3_ENDPOINT (host:port, plain
// http: what `make warehouse` and the tests export), else
// $AWS_ENDPOINT_URL_S3 or $AWS_ENDPOINT_URL. The credentials are
// -s3-access-key and -s3-secret-key, else $STRATA_S3_ACCESS_KEY and
// $STRATA_S3_SECRET_KEY, else the standard chain ($AWS_ACCESS_KEY_ID and
// $AWS_SECRET_ACCESS_KEY, ~/.aws, …; see s3.ClientConfig). Prefer the
// environment for the secret key: flags are visible to other users of the
// machine. The bucket (-bucket, default a new one with a random name) and
// the RocksDB directory (-dir, default a temporary one) are removed at the
// end unless -keep is given.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// config is what the flags say.
type config struct {
	endpoint, accessKey, secretKey string // the S3 server
	bucket                         string
	dir                            string // RocksDB directory; "": a temporary one
	keep                           bool
	robots                         int
	interval                       time.Duration // replication interval
	phase                          time.Duration // length of the connected and partitioned phases
	tick                           time.Duration // how often each robot reports its pose
	timeout                        time.Duration // bound on each convergence
	verbose                        bool
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "warehouse:", err)
		os.Exit(2)
	}
	level := slog.LevelWarn
	if cfg.verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := run(ctx, cfg, os.Stdout, logger); err != nil {
		fmt.Fprintln(os.Stderr, "warehouse:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, out io.Writer) (config, error) {
	cfg := config{
		endpoint:  firstSet(os.Getenv("STRATA_S3_ENDPOINT"), os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_ENDPOINT_URL")),
		accessKey: os.Getenv("STRATA_S3_ACCESS_KEY"),
		secretKey: os.Getenv("STRATA_S3_SECRET_KEY"),
	}
	fs := flag.NewFlagSet("warehouse", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.endpoint, "s3-endpoint", cfg.endpoint, "S3 server of the cloud replica: http(s)://host:port, or host:port for plain http")
	fs.StringVar(&cfg.accessKey, "s3-access-key", cfg.accessKey, "S3 access key; empty: the standard chain (AWS_ACCESS_KEY_ID, ~/.aws, …)")
	fs.StringVar(&cfg.secretKey, "s3-secret-key", cfg.secretKey, "S3 secret key (prefer $STRATA_S3_SECRET_KEY or $AWS_SECRET_ACCESS_KEY)")
	fs.StringVar(&cfg.bucket, "bucket", "", "bucket of the cloud replica, created if missing; default: a new one, warehouse-<random>")
	fs.StringVar(&cfg.dir, "dir", "", "RocksDB directory of the edge replica, created if missing; default: a temporary one")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the bucket's objects and the RocksDB directory at the end")
	fs.IntVar(&cfg.robots, "robots", 6, "number of robots (at least 3)")
	fs.DurationVar(&cfg.interval, "interval", time.Second, "replication interval (a whole number of milliseconds, a multiple of 5 ms)")
	fs.DurationVar(&cfg.phase, "phase", 2*time.Second, "length of the connected phase and of the partition")
	fs.DurationVar(&cfg.tick, "tick", 100*time.Millisecond, "how often each robot reports its pose")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "longest wait for the replicas to converge")
	fs.BoolVar(&cfg.verbose, "v", false, "log the replicas' events (alignments) to stderr")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.endpoint == "" {
		return cfg, errors.New("no S3 server: give -s3-endpoint or set STRATA_S3_ENDPOINT or AWS_ENDPOINT_URL (`make warehouse` starts a MinIO of its own)")
	}
	if !strings.Contains(cfg.endpoint, "://") {
		cfg.endpoint = "http://" + cfg.endpoint
	}
	if cfg.bucket == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		cfg.bucket = "warehouse-" + hex.EncodeToString(b[:])
	}
	switch {
	case cfg.keep && cfg.dir == "":
		return cfg, errors.New("-keep needs -dir: a temporary directory is always removed")
	case cfg.robots < 3:
		return cfg, fmt.Errorf("-robots %d: want at least 3 (robots 1 and 2 have missions, robot 3 is decommissioned)", cfg.robots)
	case cfg.phase <= 0 || cfg.tick <= 0 || cfg.timeout <= 0:
		return cfg, errors.New("-phase, -tick and -timeout must be positive")
	case cfg.tick > cfg.phase/10:
		return cfg, fmt.Errorf("-tick %v: want at most a tenth of -phase (%v)", cfg.tick, cfg.phase)
	}
	return cfg, nil
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
