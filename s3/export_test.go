// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

// Hooks for the external tests of this package.

// SetListMetadata switches metadata-only scans between the server's
// list-with-metadata (on, the default) and a HEAD per object (off).
func SetListMetadata(b *Backend, on bool) { b.listMetadata = on }

// ObjectName returns the object name of key, Prefix included.
func ObjectName(b *Backend, key string) string { return b.opts.Prefix + encodeKey(key) }

// SetAfterFetch makes Get and Stat call fn between their request and the
// version cache's update.
func SetAfterFetch(b *Backend, fn func(key string)) { b.afterFetch = fn }
