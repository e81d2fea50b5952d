// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !cgo

package main

const haveRocksDB = false

func isLocked(error) bool { return false }
