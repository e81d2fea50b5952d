// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rocksdb_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/rocksdb"
)

// A Store over a RocksDB database, closed and opened again: what it held
// is still there.
func Example() {
	dir, err := os.MkdirTemp("", "strata-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "fleet")
	ctx := context.Background()

	open := func(opts *rocksdb.Options) *strata.Store {
		b, err := rocksdb.Open(path, opts)
		if err != nil {
			log.Fatal(err)
		}
		store, err := strata.Open(ctx, b, &strata.Options{KeyExpr: "fleet/**", ReadOnly: opts.ReadOnly})
		if err != nil {
			log.Fatal(err)
		}
		return store
	}

	store := open(&rocksdb.Options{CreateIfMissing: true})
	for i, pose := range []string{"x=1,y=2", "x=5,y=0", "x=3,y=3"} {
		if _, err := store.Put(ctx, fmt.Sprintf("fleet/robot/%d/pose", i), []byte(pose)); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := store.Delete(ctx, "fleet/robot/1/pose"); err != nil {
		log.Fatal(err)
	}
	if err := store.Close(ctx); err != nil { // closes the backend too
		log.Fatal(err)
	}

	store = open(&rocksdb.Options{ReadOnly: true})
	defer store.Close(ctx)
	for smp, err := range store.Get(ctx, "fleet/robot/*/pose") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(smp.Key, string(smp.Value))
	}
	// Output:
	// fleet/robot/0/pose x=1,y=2
	// fleet/robot/2/pose x=3,y=3
}

// Opening a directory without a database is an error unless
// CreateIfMissing is set.
func ExampleOpen_missing() {
	_, err := rocksdb.Open(filepath.Join(os.TempDir(), "no-such-strata-db"), nil)
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output: true
}
