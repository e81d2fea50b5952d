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
