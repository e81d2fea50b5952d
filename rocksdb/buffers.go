// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb

import "sync"

// maxPooledBuffer bounds the buffers kept for reuse, so that one large
// value does not stay pinned in a pool.
const maxPooledBuffer = 256 << 10

// getBuffer returns a buffer from pool, or a new one of length size; its
// contents are undefined.
func getBuffer(pool *sync.Pool, size int) *[]byte {
	if p, ok := pool.Get().(*[]byte); ok {
		return p
	}
	buf := make([]byte, size)
	return &buf
}

func putBuffer(pool *sync.Pool, p *[]byte) {
	if cap(*p) <= maxPooledBuffer {
		pool.Put(p)
	}
}
