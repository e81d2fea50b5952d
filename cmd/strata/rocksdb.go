// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build cgo

package main

import (
	"errors"

	// RocksDB is a cgo package: a build without cgo has no rocksdb://
	// stores, and still builds (see norocksdb.go).
	"github.com/stratakv/strata/rocksdb"
)

const haveRocksDB = true

// isLocked reports whether another process holds the RocksDB database.
func isLocked(err error) bool { return errors.Is(err, rocksdb.ErrLocked) }
