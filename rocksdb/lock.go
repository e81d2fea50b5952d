// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// RocksDB locks a database with a POSIX record lock on its LOCK file.
// Such locks belong to a process, so RocksDB cannot tell a second handle of
// the same process from the first one by the lock alone; the registry
// below refuses a second read-write handle of one directory in a process
// before RocksDB is asked, and lockHolder finds another process holding
// the lock, so that both cases give an error wrapping ErrLocked.

var openDirs struct {
	sync.Mutex
	m map[string]bool
}

// claimDir registers path (absolute, symbolic links resolved) as opened
// read-write by this process.
func claimDir(path string) error {
	openDirs.Lock()
	defer openDirs.Unlock()
	if openDirs.m[path] {
		return fmt.Errorf("rocksdb: open %q: already open read-write in this process: %w", path, ErrLocked)
	}
	if openDirs.m == nil {
		openDirs.m = make(map[string]bool)
	}
	openDirs.m[path] = true
	return nil
}

func releaseDir(path string) {
	openDirs.Lock()
	defer openDirs.Unlock()
	delete(openDirs.m, path)
}

// lockHolder returns the id of another process that holds the lock of the
// database in dir, or 0 when none does (or it cannot be told).
func lockHolder(dir string) int {
	f, err := os.Open(filepath.Join(dir, "LOCK"))
	if err != nil {
		return 0
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil || lk.Type == syscall.F_UNLCK {
		return 0
	}
	return int(lk.Pid)
}

// canonicalDir returns dir as an absolute path with symbolic links
// resolved, so that two spellings of one directory are one registry entry.
func canonicalDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}
