// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"fmt"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

// A wildcard delete received from a peer is clamped to the store's key
// expression before it is applied, as the Store clamps the deletes it is
// given: an expression that includes the store's (a peer's "**" on a store
// of "fleet/**") is applied as the store's own expression, their
// intersection; one that the store's includes, or that overlaps it in part
// ("*/x" on "fleet/**"), is applied as it is: the Store deletes and
// refuses only within its scope. Every replica so remembers the same
// expression. One outside the key expression is refused.

// clamp returns smp with a wildcard delete's expression clamped to the
// store's key expression, or an error wrapping strata.ErrOutOfScope.
func (r *Replica) clamp(smp strata.Sample) (strata.Sample, error) {
	if smp.Kind != strata.KindDelete || !isWild(smp.Key) {
		return smp, nil
	}
	expr, err := keyexpr.Canonize(smp.Key)
	if err != nil {
		return smp, fmt.Errorf("antientropy: wildcard delete %q: %w: %w", smp.Key, strata.ErrInvalidKey, err)
	}
	switch scope := r.scope; {
	case scope.Includes(expr):
		smp.Key = expr.String()
	case expr.Includes(scope):
		smp.Key = scope.String()
	case expr.Intersects(scope):
		smp.Key = expr.String()
	default:
		return smp, fmt.Errorf("antientropy: wildcard delete %q outside %q: %w", smp.Key, scope, strata.ErrOutOfScope)
	}
	return smp, nil
}
