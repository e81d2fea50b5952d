// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// checkPlainKey fails when isPlainKey disagrees with the byte-by-byte
// rules: a plain key must be valid, and a valid key of plain bytes must
// be plain.
func checkPlainKey(t *testing.T, s string) {
	t.Helper()
	plain, err := isPlainKey(s), validateKey(s)
	if plain && err != nil {
		t.Fatalf("%q: plain, but %v", s, err)
	}
	plainBytes := !strings.ContainsAny(s, "*$#?") && strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 }) < 0
	if !plain && err == nil && plainBytes {
		t.Fatalf("%q: valid and of plain bytes, but not plain", s)
	}
}

func TestPlainKey(t *testing.T) {
	for _, s := range []string{
		"", "a", "/", "a/", "/a", "a//b", "a/b", "abcdefg/", "abcdefgh", "abcdefg/h", "abcdefg//h",
		"abcdefgh/", "abcdefgh//ijklmnop", "fleet/robot/000123/pose", "fleet/robot/000123//pose",
		"fleet/robot/000123/pose/", "fleet/robot/*/pose", "fleet/@robot$*/x", "fleet/r\xffbot/x",
		"fleet/róbot/x", "a#b", "abcdefghijklmno?", "abcdefghijklmnop$", "@a/b", "a/@b",
	} {
		checkPlainKey(t, s)
	}
	// Random keys over an alphabet where slashes are frequent, of every
	// length around the word size.
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "ab/////@*$#?\x80é"
	for range 200000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		checkPlainKey(t, string(b))
	}
}

func FuzzPlainKey(f *testing.F) {
	f.Add("fleet/robot/000123/pose")
	f.Add("abcdefg//h")
	f.Fuzz(func(t *testing.T, s string) { checkPlainKey(t, s) })
}
