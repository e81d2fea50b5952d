// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package prefetch

import (
	"bytes"
	"testing"
	"unsafe"
)

// Prefetching changes no memory, and neither nil nor memory past the end
// of an allocation faults.
func TestLinesChangeNothing(t *testing.T) {
	buf := bytes.Repeat([]byte{0xa5}, 4*Line)
	want := bytes.Clone(buf)
	Lines(uintptr(unsafe.Pointer(&buf[0])), 4)
	Lines(uintptr(unsafe.Pointer(&buf[len(buf)-1])), 8) // runs past the end
	Lines(0, 2)
	Lines(^uintptr(0)&^(Line-1), 1) // the top of the address space
	Lines(uintptr(unsafe.Pointer(&buf[0])), 0)
	if !bytes.Equal(buf, want) {
		t.Fatal("prefetching changed memory")
	}
}
