// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package prefetch asks the processor to start loading memory into its
// caches ahead of a read, without waiting for it.
//
// A plain load that misses the caches stalls the thread once the
// processor can run no further ahead of it, and an atomic operation
// (a mutex, a counter) waits for every load before it. A prefetch does
// neither: it retires at once, the memory arrives while the thread does
// other work, and the read that follows finds it cached. It changes no
// memory and cannot fault, so any address may be given, even a stale
// one. On architectures without an implementation it does nothing.
package prefetch
