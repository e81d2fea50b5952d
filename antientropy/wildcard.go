package antientropy

import (
	"fmt"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

// A wildcard delete received from a peer is clamped to the store's key
// expression before it is applied: an expression that the store's
// includes is applied as it is; one that includes the store's (a peer's
// "**" on a store of "fleet/**") is applied as the store's own expression,
// their intersection, so that what the store remembers and deletes is
// within its scope whatever the backend holds besides; one that only
// overlaps it ("*/x" on "fleet/**") is refused (counted in Stats.Refused):
// the keys it deleted on the peer arrive as deletes of their own.

// errClampRefused: a wildcard delete that overlaps the store's key
// expression without being inside it or covering it.
var errClampRefused = fmt.Errorf("antientropy: a wildcard delete overlaps the key expression only in part: %w", strata.ErrOutOfScope)

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
		return smp, fmt.Errorf("%w: %q in %q", errClampRefused, smp.Key, scope)
	default:
		return smp, fmt.Errorf("antientropy: wildcard delete %q outside %q: %w", smp.Key, scope, strata.ErrOutOfScope)
	}
	return smp, nil
}
