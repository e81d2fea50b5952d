// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package memtransport is an in-memory antientropy.Transport for tests,
// simulations and benchmarks: a Network of endpoints that deliver messages
// by calling the receiving replica directly, with seeded fault injection
// (loss, duplication, partitions, delay) and a Counting wrapper that
// measures bytes and round trips.
//
// Without Delay, delivery is synchronous: Broadcast calls every peer's
// HandleBroadcast in the caller's goroutine, in the order the peers
// joined, and Request calls the peer's HandleRequest; so a simulation
// driven from one goroutine with a seeded Network is deterministic.
package memtransport

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/stratakv/strata/antientropy"
)

// Errors returned by Request.
var (
	// ErrUnreachable: the peer is unknown, not serving, or on the other
	// side of a partition.
	ErrUnreachable = errors.New("memtransport: peer unreachable")
	// ErrLost: the request or its reply was lost (fault injection).
	ErrLost = errors.New("memtransport: message lost")
)

// Faults are the failures a Network injects; the zero value injects none.
type Faults struct {
	// Loss is the probability that a message is lost: a broadcast to one
	// peer, a request, or a reply.
	Loss float64
	// Duplicate is the probability that a message is delivered twice (a
	// duplicated request is handled twice; the first reply is used).
	Duplicate float64
	// Delay, if positive, delays each delivery by a random duration up to
	// Delay, in real time; broadcasts are then delivered asynchronously.
	Delay time.Duration
	// Drop, if set, is asked about every broadcast to one peer, after
	// Loss: true loses it. It lets a test lose one kind of message only
	// (pushes, say); it runs under the network's mutex, so a seeded
	// source of randomness it reads stays deterministic.
	Drop func(from, to string, msg []byte) bool
}

// Network connects endpoints. It is safe for concurrent use.
type Network struct {
	mu     sync.Mutex
	rand   *rand.Rand
	faults Faults
	order  []*Endpoint
	byID   map[string]*Endpoint
	group  map[string]int // partition group per endpoint; nil: no partition
}

// New returns a network without faults whose random decisions follow seed.
func New(seed uint64) *Network {
	return &Network{rand: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), byID: map[string]*Endpoint{}}
}

// SetFaults sets the faults injected from now on.
func (n *Network) SetFaults(f Faults) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.faults = f
}

// Partition cuts the network into groups: endpoints in different groups
// cannot reach each other; an endpoint in no group is alone.
func (n *Network) Partition(groups ...[]string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.group = map[string]int{}
	for g, ids := range groups {
		for _, id := range ids {
			n.group[id] = g + 1
		}
	}
}

// Heal removes the partition.
func (n *Network) Heal() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.group = nil
}

// Join adds an endpoint named id; messages reach it once Serve is called.
func (n *Network) Join(id string) *Endpoint {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.byID[id]; ok {
		panic(fmt.Sprintf("memtransport: endpoint %q joined twice", id))
	}
	e := &Endpoint{net: n, id: id}
	n.byID[id] = e
	n.order = append(n.order, e)
	return e
}

func (n *Network) reachable(from, to string) bool {
	if n.group == nil {
		return true
	}
	g, h := n.group[from], n.group[to]
	return g == h && g != 0
}

// roll draws the fate of one message: how many copies arrive (0, 1 or 2)
// and after which delay.
func (n *Network) roll() (copies int, delay time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f := n.faults
	if f.Delay > 0 {
		delay = time.Duration(n.rand.Int64N(int64(f.Delay) + 1))
	}
	switch {
	case f.Loss > 0 && n.rand.Float64() < f.Loss:
		return 0, delay
	case f.Duplicate > 0 && n.rand.Float64() < f.Duplicate:
		return 2, delay
	}
	return 1, delay
}

// dropped asks Faults.Drop about a broadcast from → to.
func (n *Network) dropped(from, to string, msg []byte) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.faults.Drop != nil && n.faults.Drop(from, to, msg)
}

// Endpoint is one replica's attachment to a Network; it implements
// antientropy.Transport. It is safe for concurrent use.
type Endpoint struct {
	net  *Network
	id   string
	mu   sync.Mutex
	recv antientropy.Receiver
}

// ID returns the endpoint's name.
func (e *Endpoint) ID() string { return e.id }

// Serve delivers incoming messages to r (a *antientropy.Replica).
func (e *Endpoint) Serve(r antientropy.Receiver) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.recv = r
}

func (e *Endpoint) receiver() antientropy.Receiver {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.recv
}

// peer returns the receiver of id if e can reach it.
func (e *Endpoint) peer(id string) antientropy.Receiver {
	n := e.net
	n.mu.Lock()
	p := n.byID[id]
	ok := p != nil && n.reachable(e.id, id)
	n.mu.Unlock()
	if !ok {
		return nil
	}
	return p.receiver()
}

// BroadcastCopies reports true: Broadcast hands each peer a copy of msg.
func (e *Endpoint) BroadcastCopies() bool { return true }

// Broadcast delivers a copy of msg to every other endpoint it can reach,
// subject to the faults. Handler errors are not reported: broadcast is
// best effort.
func (e *Endpoint) Broadcast(ctx context.Context, msg []byte) error {
	n := e.net
	n.mu.Lock()
	peers := slices.Clone(n.order)
	n.mu.Unlock()
	for _, p := range peers {
		if p == e {
			continue
		}
		r := e.peer(p.id)
		if r == nil {
			continue
		}
		copies, delay := n.roll()
		if copies > 0 && n.dropped(e.id, p.id, msg) {
			copies = 0
		}
		for range copies {
			m := slices.Clone(msg)
			if delay > 0 {
				go func() {
					time.Sleep(delay)
					_ = r.HandleBroadcast(context.WithoutCancel(ctx), e.id, m)
				}()
				continue
			}
			// The receiver's alignment is its own: the sender's deadline
			// for publishing does not bound it.
			_ = r.HandleBroadcast(context.WithoutCancel(ctx), e.id, m)
		}
	}
	return nil
}

// Request delivers msg to peer and returns its reply, subject to the
// faults: a lost request or reply returns ErrLost.
func (e *Endpoint) Request(ctx context.Context, peer string, msg []byte) ([]byte, error) {
	r := e.peer(peer)
	if r == nil {
		return nil, fmt.Errorf("memtransport: %s → %s: %w", e.id, peer, ErrUnreachable)
	}
	copies, delay := e.net.roll()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if copies == 0 {
		return nil, fmt.Errorf("memtransport: request %s → %s: %w", e.id, peer, ErrLost)
	}
	reply, err := r.HandleRequest(ctx, e.id, slices.Clone(msg))
	if copies == 2 {
		_, _ = r.HandleRequest(ctx, e.id, slices.Clone(msg))
	}
	if err != nil {
		return nil, err
	}
	if back, _ := e.net.roll(); back == 0 {
		return nil, fmt.Errorf("memtransport: reply %s → %s: %w", peer, e.id, ErrLost)
	}
	return slices.Clone(reply), nil
}
