// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build cgo

package main

// RocksDB is a cgo package: a build without cgo has no rocksdb:// stores
// (see checkStoreURL) and still builds.
import _ "github.com/stratakv/strata/rocksdb"

const haveRocksDB = true
