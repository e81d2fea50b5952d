// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package natstransport

import (
	"fmt"
	"strings"
)

// SpaceFor returns a subject token that names the key space keyExpr: the
// expression with the characters that NATS subjects reserve ('.', '*',
// '>', whitespace) and '%' percent-encoded, e.g. "fleet/%2A%2A" for
// "fleet/**".
func SpaceFor(keyExpr string) string { return escape(keyExpr) }

// reserved reports whether a subject token cannot hold c.
func reserved(c byte) bool {
	switch c {
	case '.', '*', '>', ' ', '\t', '\r', '\n', '\f', '\v', 0:
		return true
	}
	return false
}

// escape percent-encodes what a subject token cannot hold, and '%'.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; reserved(c) || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// validToken reports whether s can be one token of a subject.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if reserved(s[i]) {
			return false
		}
	}
	return true
}
