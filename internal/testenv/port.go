// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
)

// Ports are chosen below Linux's default ephemeral range (32768–60999), so
// that the kernel does not give them to outgoing connections meanwhile.
const (
	portMin = 20000
	portMax = 32767
)

var (
	portsMu sync.Mutex
	ports   = map[int]bool{} // ports returned by FreePort in this process
)

// FreePort returns a TCP port on which 127.0.0.1 can listen now. It never
// returns the same port twice in one process.
func FreePort(t T) int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 100 {
		port := portMin + rand.IntN(portMax-portMin+1)
		if !ports[port] && canListen(port) {
			ports[port] = true
			return port
		}
	}
	// The range is crowded: let the kernel choose.
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("testenv: free port: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !ports[port] {
			ports[port] = true
			return port
		}
	}
	t.Fatalf("testenv: found no free port")
	return 0
}

func canListen(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
