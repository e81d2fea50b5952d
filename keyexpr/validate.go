// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"strings"
	"unicode/utf8"
)

// checkChunk checks one chunk on its own (the rules that span two chunks,
// '**/**' and '**/*', are checked by the callers). It returns "" for a valid,
// canonical chunk; otherwise the reason, and whether the chunk is valid but
// not canonical, which [Canonize] can rewrite. Verbatim chunks follow the
// same rules, as in Zenoh: "@a$*" is valid, its '$*' being literal text.
func checkChunk(c string) (reason string, fixable bool) {
	if c == anyChunk || c == anyChunks {
		return "", false
	}
	if c == "" {
		return "empty chunk", false
	}
	if !utf8.ValidString(c) {
		return "invalid UTF-8", false
	}
	dollarDollar := false
	for i := 0; i < len(c); i++ {
		switch c[i] {
		case '#':
			return "'#' is forbidden", false
		case '?':
			return "'?' is forbidden", false
		case '*':
			if i == 0 || c[i-1] != '$' {
				return "'*' may only form a whole chunk ('*' or '**') or follow '$' ('$*')", false
			}
		case '$':
			if i+1 == len(c) || c[i+1] != '*' {
				return "'$' may only appear as '$*'", false
			}
			if i+2 < len(c) && c[i+2] == '$' {
				dollarDollar = true
			}
		}
	}
	if c == "$*" {
		return "the chunk '$*' is not canonical (write '*')", true
	}
	if dollarDollar {
		return "'$*$*' is not canonical (write '$*')", true
	}
	return "", false
}

// ValidateKey returns nil if s is a valid concrete key: a valid canonical
// key expression without wildcards, so no '*' and no '$' outside verbatim
// chunks. A verbatim chunk ('@...') may hold '$*' ("@a$*"), which is literal
// text there. It does not allocate when s is valid; an error satisfies
// errors.Is(err, ErrInvalid).
func ValidateKey(s string) error {
	if isPlainKey(s) {
		return nil
	}
	return validateKey(s)
}

// validateKey is ValidateKey, byte by byte.
func validateKey(s string) error {
	if s == "" {
		return invalid(s, -1, "empty key")
	}
	chunk, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/':
			if i == start {
				return invalid(s, chunk, "empty chunk")
			}
			chunk++
			start = i + 1
		case '*':
			if s[start] != '@' {
				return invalid(s, chunk, "a key may not hold the wildcard '*'")
			}
			if i == start || s[i-1] != '$' {
				return invalid(s, chunk, "'*' may only follow '$' ('$*') in a verbatim chunk")
			}
		case '$':
			switch {
			case s[start] != '@':
				return invalid(s, chunk, "a key may not hold '$' outside a verbatim chunk")
			case i+1 == len(s) || s[i+1] != '*':
				return invalid(s, chunk, "'$' may only appear as '$*'")
			case i+2 < len(s) && s[i+2] == '$':
				return invalid(s, chunk, "'$*' may not be followed by '$'")
			}
		case '#':
			return invalid(s, chunk, "'#' is forbidden")
		case '?':
			return invalid(s, chunk, "'?' is forbidden")
		}
	}
	if start == len(s) {
		return invalid(s, chunk, "empty chunk")
	}
	if !utf8.ValidString(s) {
		for i := 0; ; {
			c, next := nextChunk(s, i)
			if !utf8.ValidString(c) {
				return invalid(s, strings.Count(s[:i], "/"), "invalid UTF-8")
			}
			i = next
		}
	}
	return nil
}
