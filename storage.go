// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import (
	"fmt"

	"github.com/stratakv/strata/hlc"
)

// Kind says what a Sample does to its key.
type Kind uint8

const (
	// KindPut stores Value under Key.
	KindPut Kind = 1
	// KindDelete deletes Key; when Key is a wildcard expression, every
	// matching key (a wildcard delete).
	KindDelete Kind = 2
)

func (k Kind) String() string {
	switch k {
	case KindPut:
		return "put"
	case KindDelete:
		return "delete"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Result is what Apply did with a sample.
type Result uint8

const (
	// Outdated: the store already held something as new or newer (a value,
	// a tombstone or a wildcard delete); the sample changed nothing.
	Outdated Result = iota
	// Inserted: the key had no live value before.
	Inserted
	// Replaced: the sample replaced an older live value.
	Replaced
	// Deleted: the delete was applied.
	Deleted
)

func (r Result) String() string {
	switch r {
	case Outdated:
		return "outdated"
	case Inserted:
		return "inserted"
	case Replaced:
		return "replaced"
	case Deleted:
		return "deleted"
	}
	return fmt.Sprintf("Result(%d)", uint8(r))
}

// Sample is one timestamped change of one key: what Put, Delete and Apply
// write, what Get yields and what Watch observes.
type Sample struct {
	// Key is the full key (the strip prefix included), canonical, without
	// wildcards, except for a wildcard delete, whose Key is the expression.
	Key string
	// Value is the payload of a put; empty for a delete.
	Value []byte
	// Encoding is a MIME-like description of Value, e.g. "application/json";
	// may be empty.
	Encoding string
	// Timestamp orders samples of one key: the latest wins.
	Timestamp hlc.Timestamp
	// Kind is KindPut or KindDelete.
	Kind Kind
}
