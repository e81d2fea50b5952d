// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"fmt"
	"testing"

	"github.com/stratakv/strata/backend"
)

func TestVersionCache(t *testing.T) {
	c := newVersionCache(3)
	for i := range 10 {
		c.set(fmt.Sprint(i), backend.Entry{Value: []byte("dropped")}, fmt.Sprint("etag", i))
		if c.len() > 3 {
			t.Fatalf("%d entries in a cache of 3", c.len())
		}
	}
	v, ok := c.get("9")
	if !ok || v.etag != "etag9" || v.stale || v.entry.Value != nil {
		t.Fatalf("%+v %v", v, ok)
	}
	c.markStale("9")
	if v, ok := c.get("9"); !ok || !v.stale {
		t.Fatalf("%+v %v", v, ok)
	}
	c.forget("9")
	if _, ok := c.get("9"); ok {
		t.Fatal("forgotten key still cached")
	}
	off := newVersionCache(-1)
	off.set("k", backend.Entry{}, "e")
	if _, ok := off.get("k"); ok || off.enabled() {
		t.Fatal("a disabled cache remembers")
	}
}

// TestVersionCacheTickets: a read fills the cache only if no change touched
// the key since its ticket, evictions and forgets included.
func TestVersionCacheTickets(t *testing.T) {
	c := newVersionCache(2)
	old := c.ticket()
	c.set("a", backend.Entry{}, "new")
	c.fill("a", backend.Entry{}, "old", old)
	if v, _ := c.get("a"); v.etag != "new" {
		t.Fatalf("a read older than a write filled the cache: %+v", v)
	}
	c.forgetMissing("a", old)
	if _, ok := c.get("a"); !ok {
		t.Fatal("a read older than a write forgot the key")
	}
	fresh := c.ticket()
	c.fill("a", backend.Entry{}, "read", fresh)
	if v, _ := c.get("a"); v.etag != "read" {
		t.Fatalf("a fresh read did not fill: %+v", v)
	}
	// A key forgotten (or evicted) after a read's ticket is not filled.
	t1 := c.ticket()
	c.forget("a")
	c.fill("a", backend.Entry{}, "old", t1)
	if _, ok := c.get("a"); ok {
		t.Fatal("a read older than a remove filled the cache")
	}
	t2 := c.ticket()
	c.set("b", backend.Entry{}, "b")
	c.set("c", backend.Entry{}, "c")
	c.set("d", backend.Entry{}, "d") // evicts b or c
	c.fill("b", backend.Entry{}, "old", t2)
	c.fill("c", backend.Entry{}, "old", t2)
	for _, k := range []string{"b", "c"} {
		if v, ok := c.get(k); ok && v.etag == "old" {
			t.Fatalf("a read older than an eviction filled %q", k)
		}
	}
	c.markStale("d")
	c.fill("d", backend.Entry{}, "old", t2)
	if v, _ := c.get("d"); !v.stale {
		t.Fatalf("a read older than a conflict cleared it: %+v", v)
	}
}
