// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package integration holds tests that combine packages the way users do:
// replicas on different backends, a Store over real servers. It has no
// code of its own.
package integration
