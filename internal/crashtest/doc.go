// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package crashtest holds process-level fault tests of a Store over
// RocksDB: a child process (the test binary run again) is killed with
// SIGKILL at a chosen point, and the test reopens what it left. It has no
// code of its own.
package crashtest
