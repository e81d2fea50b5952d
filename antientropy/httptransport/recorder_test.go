// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import (
	"context"
	"sync"
)

// recorder is an antientropy.Receiver that records what it is handed and
// answers every request with "reply to " and the message.
type recorder struct {
	mu         sync.Mutex
	broadcasts []string
	requests   []string
	got        chan string // every broadcast, if not nil
}

func newRecorder() *recorder { return &recorder{got: make(chan string, 1024)} }

func (r *recorder) HandleBroadcast(_ context.Context, from string, msg []byte) error {
	r.mu.Lock()
	r.broadcasts = append(r.broadcasts, from+":"+string(msg))
	r.mu.Unlock()
	r.got <- string(msg)
	return nil
}

func (r *recorder) HandleRequest(_ context.Context, from string, msg []byte) ([]byte, error) {
	r.mu.Lock()
	r.requests = append(r.requests, from+":"+string(msg))
	r.mu.Unlock()
	return append([]byte("reply to "), msg...), nil
}

func (r *recorder) ID() string { return "west" }

// counts returns the numbers of broadcasts and requests handed over.
func (r *recorder) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.broadcasts), len(r.requests)
}
