// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"

	"github.com/stratakv/strata"
)

const binaryMaxVarint = binary.MaxVarintLen64

// IsPush reports whether msg is a push message, for tests that lose
// pushes only.
func IsPush(msg []byte) bool { return len(msg) > 1 && msgKind(msg[1]) == msgPush }

// IsChunkRequest reports whether msg is a request for a chunk of a large
// value.
func IsChunkRequest(msg []byte) bool { return len(msg) > 1 && msgKind(msg[1]) == msgChunk }

// InlineMax returns the largest value of key (empty encoding) that a
// reply of the given path ("fetch", "pull" or "push") within limit bytes
// carries whole; one byte more comes in chunks.
func InlineMax(path string, limit int, key string) int {
	budget := limit - headerSize - 64 // push
	switch path {
	case "fetch":
		budget = limit - headerSize - binaryMaxVarint
	case "pull":
		budget = limit - headerSize - 1 - cursorSize(key)
	}
	budget -= newSampleWriter().size()
	if path == "push" {
		budget = limit - headerSize - 64
	}
	s := &strata.Sample{Key: key}
	return budget - sampleSize(s)
}
