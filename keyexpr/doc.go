// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package keyexpr implements key expressions: the patterns, compatible with
// Eclipse Zenoh's, that name sets of keys in strata.
//
// A key is a non-empty UTF-8 string of chunks separated by '/', such as
// "fleet/robot/7/pose"; no chunk is empty, so a key has no leading, trailing
// or double '/'. A key expression is a key that may also hold wildcards:
//
//   - '*', as a whole chunk, matches exactly one chunk;
//   - '**', as a whole chunk, matches zero or more chunks, so "a/**" matches
//     "a", "a/b" and "a/b/c";
//   - '$*', inside a chunk, matches any text within that chunk, the empty
//     text included, so "temp$*" matches "temp" and "temperature".
//
// '#' and '?' are forbidden everywhere, '*' may appear only as a whole chunk
// or in '$*', and '$' only in '$*'. A chunk that starts with '@' is verbatim:
// only an identical chunk matches it, and no wildcard ('*', '**' or '$*')
// ever does, so "**" does not match "@admin/x". As in Zenoh, a verbatim
// chunk may hold '$*' ("@a$*"), but there it is literal text, not a
// wildcard: "@a$*/**" matches "@a$*/x" and not "@ab/x". A key is a key
// expression without wildcards ([ValidateKey]), so "@a$*" is a key.
//
// # Canonical form
//
// Several spellings can denote the same set of keys. The canonical form picks
// one: '**/**' is written '**', '**/*' is written '*/**' (repeatedly, so
// '**/*/**/*' is '*/*/**'), '$*$*' is written '$*' (in verbatim chunks too,
// as Zenoh does), and a chunk that is only '$*' is written '*'. Two
// canonical expressions denote the same set of keys if and only if they are
// the same string, so a [KeyExpr], which always holds the canonical form,
// can be compared with == and used as a map key.
//
// [Parse] is strict: it accepts only canonical expressions, and its error
// says which chunk is wrong and how to write it. [Canonize] accepts any
// valid expression and rewrites it into canonical form.
//
// # Matching
//
// [KeyExpr.Matches] tests one key. [KeyExpr.Intersects] reports whether some
// key matches both expressions ("a/*" and "*/a" both match "a/a"), and
// [KeyExpr.Includes] whether every key that one matches the other matches
// too ("a/*/**" includes "a/b/**"; "x/a$*" includes "x/abc$*" but not the
// reverse). Both are exact for every combination of wildcards and verbatim
// chunks, and do not allocate for expressions of up to 32 chunks (with rare
// exceptions for Includes, see its doc); Matches never allocates.
// [KeyExpr.NonWildPrefix] gives the chunks before the first wildcard, which
// every matching key starts with: the range a store scans for an expression.
//
// [Join], [StripPrefix] and [HasChunkPrefix] work on chunk boundaries, so
// that the prefix "a/b" is stripped from "a/b/c" but not from "a/bc". Join
// of two canonical expressions is canonical: Join("a/**", "*") is "a/*/**".
//
// # Errors
//
// Every error that Parse, Canonize and ValidateKey return is an [*Error]
// that names the rejected string, the offending chunk (0-based) and the
// reason, and satisfies errors.Is(err, [ErrInvalid]):
//
//	keyexpr: invalid key expression "a//b": chunk 1: empty chunk
//
// # Concurrency
//
// A KeyExpr is an immutable value; it and every function of the package are
// safe for concurrent use.
//
// # Caveats
//
//   - The zero KeyExpr is not a valid expression: it matches nothing, and
//     Includes and Intersects report false when either side is zero.
//   - Matches expects a valid concrete key (see ValidateKey); for anything
//     else its result is unspecified, though it never panics.
//   - Includes between two expressions that both hold '**' in the middle
//     runs a search whose worst case is exponential in the number of '**'
//     (inclusion of such patterns is coNP-hard in general). Typical
//     expressions take well under a microsecond, but random expressions of
//     20 and 40 chunks, a third of them '**', can take over 100 µs; bound
//     the size of untrusted expressions before comparing them in a hot path.
//   - Join, StripPrefix and HasChunkPrefix do not validate their arguments.
package keyexpr
