// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package strata

import "errors"

// MaxKeyLen bounds the length in bytes of a key, a wildcard delete's
// expression and a selector. Backends may allow less: S3 object names are
// at most 1,024 bytes, escapes and the bucket prefix included, so the s3
// backend refuses keys a little shorter than that.
const MaxKeyLen = 4096

// DefaultMaxWildcardDeletes is the default of Options.MaxWildcardDeletes.
const DefaultMaxWildcardDeletes = 10_000

// ErrWildcardLimit: the store already remembers Options.MaxWildcardDeletes
// wildcard deletes (of other expressions); a new one is refused until
// garbage collection forgets expired ones. A delete of an expression that
// is already remembered is never refused.
var ErrWildcardLimit = errors.New("too many remembered wildcard deletes")
