// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend

// Prefetcher is an optional capability, for speed: a backend that keeps
// state of its keys in memory (a cache of their metadata, say) starts
// bringing a key's state into the processor's caches, so that a write or
// read of the key that follows shortly finds it there instead of waiting
// for main memory. The Store calls Prefetch as a write of a concrete key
// begins, before it checks and stamps the write.
//
// Prefetch returns at once and changes nothing that any other call could
// observe. It must be safe to call concurrently with every other method,
// with any key, valid or not, and after Close.
type Prefetcher interface {
	Prefetch(key string)
}
