// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/memtransport"
	"github.com/stratakv/strata/rocksdb"
	"github.com/stratakv/strata/s3"
)

// The key space both replicas serve, and the keys of the scenario.
const (
	keyExpr     = "warehouse/**"
	stripPrefix = "warehouse"
	speedLimit  = "warehouse/config/speed-limit"
	offline     = 3 // the robot that goes offline and is decommissioned
)

func poseKey(robot int) string    { return fmt.Sprintf("warehouse/robot/%d/pose", robot) }
func batteryKey(robot int) string { return fmt.Sprintf("warehouse/robot/%d/battery", robot) }
func missionKey(robot int) string { return fmt.Sprintf("warehouse/robot/%d/mission", robot) }

// decommission is the wildcard delete the cloud issues for robot offline.
var decommission = fmt.Sprintf("warehouse/robot/%d/**", offline)

// report is what a run measured.
type report struct {
	edgeWrites, cloudWrites [2]int        // in the connected phase and during the partition
	connectedConverge       time.Duration // from the pause of the connected phase's writers to convergence
	atHeal                  difference    // the replicas' differences when the link healed
	healConverge            time.Duration // from the heal to convergence
	keys                    int           // live keys at the end, on each side
	missions                [2]string     // the final missions of robots 1 and 2
}

// replica is one side: a store and its replica on the network.
type replica struct {
	name    string
	store   *strata.Store
	replica *antientropy.Replica
	writes  int
}

func (r *replica) put(ctx context.Context, key, value, encoding string) error {
	r.writes++
	_, err := r.store.PutEncoded(ctx, key, []byte(value), encoding)
	return err
}

// run plays the scenario, printing its timeline to out, and returns what
// it measured. It fails if the replicas do not converge within
// cfg.timeout or end with different states.
func run(ctx context.Context, cfg config, out io.Writer, logger *slog.Logger) (_ *report, err error) {
	edgeStore, cleanEdge, err := openEdge(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, cleanEdge()) }()
	cloudStore, err := openCloud(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		err = errors.Join(err, cloudStore.Close(cctx))
	}()

	// The replicas share a secret that keys their fingerprints.
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	network := memtransport.New(1)
	edge := &replica{name: "edge", store: edgeStore}
	cloud := &replica{name: "cloud", store: cloudStore}
	runCtx, stopRun := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var started []*antientropy.Replica
	defer func() {
		stopRun()
		wg.Wait()
		for _, r := range started {
			_ = r.Close()
		}
	}()
	for _, side := range []*replica{edge, cloud} {
		ep := network.Join(side.name)
		side.replica, err = antientropy.NewContext(ctx, side.store, ep, &antientropy.Options{
			ID: side.name, Interval: cfg.interval, Logger: logger, Secret: secret})
		if err != nil {
			return nil, err
		}
		started = append(started, side.replica)
		ep.Serve(side.replica)
		wg.Go(func() { _ = side.replica.Run(runCtx) })
	}

	rep := &report{}
	tl := &timeline{out: out, start: time.Now()}
	fmt.Fprintf(out, "edge replica on RocksDB, cloud replica on S3 (bucket %s at %s); replication interval %v\n",
		cfg.bucket, cfg.endpoint, cfg.interval)

	// Phase 1: connected.
	tl.say("connected", "%d robots write poses and battery levels at the edge; the cloud assigns missions", cfg.robots)
	robots := make([]int, 0, cfg.robots)
	for i := 1; i <= cfg.robots; i++ {
		robots = append(robots, i)
		if err := cloud.put(ctx, missionKey(i), fmt.Sprintf("pick aisle %d", 10+i), "text/plain"); err != nil {
			return nil, err
		}
	}
	if err := cloud.put(ctx, speedLimit, `{"m_per_s":1.5}`, "application/json"); err != nil {
		return nil, err
	}
	ticks := int(cfg.phase / cfg.tick)
	if err := drive(ctx, cfg.tick, ticks, func(tick int) error { return report1(ctx, edge, robots, tick) }); err != nil {
		return nil, err
	}
	rep.edgeWrites[0], rep.cloudWrites[0] = edge.writes, cloud.writes
	tl.say("", "edge %d writes, cloud %d writes; the writers pause", edge.writes, cloud.writes)
	d, took, err := converge(ctx, edge.store, cloud.store, cfg.timeout)
	if err != nil {
		return nil, fmt.Errorf("before the partition: %w", err)
	}
	rep.connectedConverge = took
	tl.say("converged", "%v after the pause: %d keys, identical", took.Round(time.Millisecond), d.keys)

	// Phase 2: the link is cut; both sides keep writing.
	network.Partition([]string{edge.name}, []string{cloud.name})
	edge.writes, cloud.writes = 0, 0
	online := make([]int, 0, len(robots))
	for _, r := range robots {
		if r != offline {
			online = append(online, r)
		}
	}
	tl.say("link cut", "the network drops every message; robot %d goes offline", offline)
	// What the cloud and the edge do during the partition, by tick; robots 1
	// and 2 report their missions done at the edge while the cloud
	// reassigns them, one before and one after.
	events := map[int]func() error{
		ticks * 2 / 10: func() error { return cloud.put(ctx, missionKey(2), "pick aisle 40", "text/plain") },
		ticks * 3 / 10: func() error { return cloud.put(ctx, speedLimit, `{"m_per_s":1.0}`, "application/json") },
		ticks * 4 / 10: func() error { return edge.put(ctx, missionKey(1), "done", "text/plain") },
		ticks * 5 / 10: func() error {
			cloud.writes++
			_, err := cloud.store.Delete(ctx, decommission)
			tl.say("cloud", "decommissions robot %d: DELETE %s", offline, decommission)
			return err
		},
		ticks * 6 / 10: func() error { return cloud.put(ctx, missionKey(1), "charge", "text/plain") },
		ticks * 8 / 10: func() error { return edge.put(ctx, missionKey(2), "done", "text/plain") },
	}
	err = drive(ctx, cfg.tick, ticks, func(tick int) error {
		if ev := events[tick]; ev != nil {
			if err := ev(); err != nil {
				return err
			}
		}
		return report1(ctx, edge, online, tick)
	})
	if err != nil {
		return nil, err
	}
	rep.edgeWrites[1], rep.cloudWrites[1] = edge.writes, cloud.writes
	tl.say("", "edge %d writes, cloud %d writes (1 wildcard delete); robots 1 and 2's missions written on both sides",
		edge.writes, cloud.writes)
	if rep.atHeal, err = compare(ctx, edge.store, cloud.store); err != nil {
		return nil, err
	}
	tl.say("differences", "%s", rep.atHeal)

	// Phase 3: the link heals.
	network.Heal()
	tl.say("link healed", "")
	d, took, err = converge(ctx, edge.store, cloud.store, cfg.timeout)
	if err != nil {
		return nil, fmt.Errorf("after the partition: %w", err)
	}
	rep.healConverge, rep.keys = took, d.keys
	tl.say("converged", "%v after healing: %d keys, identical on both sides (values, encodings, timestamps, wildcard deletes)",
		took.Round(time.Millisecond), d.keys)

	if err := checkFinal(ctx, edge.store, cloud.store, rep); err != nil {
		return nil, err
	}
	tl.say("checked", "nothing left of robot %d; robot 1's mission %q (the cloud wrote last), robot 2's %q (the edge reported last)",
		offline, rep.missions[0], rep.missions[1])
	for _, side := range []*replica{edge, cloud} {
		st := side.replica.Stats()
		fmt.Fprintf(out, "%-5s replica: %d digests sent, %d alignments (%d failed), %d samples fetched, %d deletes applied from metadata, %d bytes sent\n",
			side.name, st.DigestsSent, st.Alignments, st.AlignmentsFailed, st.SamplesFetched, st.DeletesFromMeta, st.BytesSent)
	}
	return rep, nil
}

// report1 writes, at the edge, the pose of each robot and, every fifth
// tick, its battery level.
func report1(ctx context.Context, edge *replica, robots []int, tick int) error {
	for _, r := range robots {
		pose := fmt.Sprintf(`{"x":%.1f,"y":%.1f,"theta":%d}`, float64(r)+0.1*float64(tick%50), float64(tick%7), (tick*15)%360)
		if err := edge.put(ctx, poseKey(r), pose, "application/json"); err != nil {
			return err
		}
		if tick%5 == 0 {
			if err := edge.put(ctx, batteryKey(r), fmt.Sprint(100-(tick/5+r)%60), "text/plain"); err != nil {
				return err
			}
		}
	}
	return nil
}

// drive calls fn once per tick, ticks times.
func drive(ctx context.Context, tick time.Duration, ticks int, fn func(tick int) error) error {
	t := time.NewTicker(tick)
	defer t.Stop()
	for i := range ticks {
		if err := fn(i); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// converge waits until the stores hold the same state, and returns it and
// how long it took.
func converge(ctx context.Context, a, b *strata.Store, timeout time.Duration) (difference, time.Duration, error) {
	start := time.Now()
	for {
		d, err := compare(ctx, a, b)
		if err != nil {
			return d, 0, err
		}
		if d.equal() {
			return d, time.Since(start), nil
		}
		if time.Since(start) > timeout {
			return d, 0, fmt.Errorf("not converged after %v: %s", timeout, d)
		}
		select {
		case <-ctx.Done():
			return d, 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// checkFinal checks what the scenario must end with, on both sides, and
// records the final missions in rep.
func checkFinal(ctx context.Context, edge, cloud *strata.Store, rep *report) error {
	for _, st := range []*strata.Store{edge, cloud} {
		for smp, err := range st.Get(ctx, decommission) {
			if err != nil {
				return err
			}
			return fmt.Errorf("%s is still there after the decommission", smp.Key)
		}
		for i, want := range []string{"charge", "done"} {
			smp, err := st.Lookup(ctx, missionKey(i+1))
			if err != nil {
				return err
			}
			if string(smp.Value) != want {
				return fmt.Errorf("%s is %q, want %q: the later write should win", smp.Key, smp.Value, want)
			}
			rep.missions[i] = want
		}
	}
	return nil
}

// openEdge opens the edge's store on RocksDB, and returns it with the
// function that closes it and removes a temporary directory.
func openEdge(ctx context.Context, cfg config, logger *slog.Logger) (*strata.Store, func() error, error) {
	dir, temp := cfg.dir, cfg.dir == ""
	if temp {
		var err error
		if dir, err = os.MkdirTemp("", "warehouse-edge-"); err != nil {
			return nil, nil, err
		}
	}
	remove := func() error {
		if temp {
			return os.RemoveAll(dir)
		}
		return nil
	}
	be, err := rocksdb.Open(dir, &rocksdb.Options{CreateIfMissing: true, DestroyOnClose: !cfg.keep})
	if err != nil {
		return nil, nil, errors.Join(err, remove())
	}
	store, err := strata.Open(ctx, be, &strata.Options{KeyExpr: keyExpr, StripPrefix: stripPrefix, Logger: logger})
	if err != nil {
		return nil, nil, errors.Join(err, be.Close(ctx), remove())
	}
	return store, func() error {
		return errors.Join(store.Close(context.WithoutCancel(ctx)), remove())
	}, nil
}

// openCloud opens the cloud's store on S3, creating its bucket if need be.
// Its Close removes the bucket unless cfg.keep.
func openCloud(ctx context.Context, cfg config, logger *slog.Logger) (*strata.Store, error) {
	client, err := s3.NewClient(s3.ClientConfig{Endpoint: cfg.endpoint, AccessKey: cfg.accessKey, SecretKey: cfg.secretKey})
	if err != nil {
		return nil, err
	}
	be, err := s3.Open(ctx, client, cfg.bucket, &s3.Options{CreateBucket: true, DestroyOnClose: !cfg.keep, Logger: logger})
	if err != nil {
		return nil, err
	}
	store, err := strata.Open(ctx, be, &strata.Options{KeyExpr: keyExpr, StripPrefix: stripPrefix, Logger: logger})
	if err != nil {
		return nil, errors.Join(err, be.Close(context.WithoutCancel(ctx)))
	}
	return store, nil
}

// timeline prints events with the time since the start.
type timeline struct {
	out   io.Writer
	start time.Time
}

func (tl *timeline) say(what, format string, args ...any) {
	line := fmt.Sprintf("%7.2fs  %-12s %s", time.Since(tl.start).Seconds(), what, fmt.Sprintf(format, args...))
	fmt.Fprintln(tl.out, strings.TrimRight(line, " "))
}
