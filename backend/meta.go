// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package backend

import "context"

// MetaRecord is one record of the store-metadata space, as yielded by
// Backend.ScanMeta.
type MetaRecord struct {
	Name  string
	Value []byte
}

// MetaCreator is an optional capability for backends that several
// processes may open at once (an S3 bucket): CreateMeta writes a
// store-metadata record only if none exists under name, atomically with
// respect to other processes, and otherwise returns an error wrapping
// ErrConflict and changes nothing. The Store uses it so that two processes
// creating one store at once agree on its configuration.
type MetaCreator interface {
	CreateMeta(ctx context.Context, name string, value []byte) error
}
