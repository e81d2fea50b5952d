// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr_test

import (
	"errors"
	"fmt"

	"github.com/stratakv/strata/keyexpr"
)

func ExampleParse() {
	k, err := keyexpr.Parse("demo/*/test/**")
	fmt.Println(k, err)

	_, err = keyexpr.Parse("demo//test")
	fmt.Println(err)

	_, err = keyexpr.Parse("demo/**/*")
	fmt.Println(err, errors.Is(err, keyexpr.ErrInvalid))
	// Output:
	// demo/*/test/** <nil>
	// keyexpr: invalid key expression "demo//test": chunk 1: empty chunk
	// keyexpr: invalid key expression "demo/**/*": chunk 2: '**/*' is not canonical (write '*/**') true
}

func ExampleCanonize() {
	for _, s := range []string{"a/**/**/b", "a/**/*/**/*", "a/$*/b$*$*c", "a/b"} {
		k, err := keyexpr.Canonize(s)
		fmt.Println(k, err)
	}
	_, err := keyexpr.Canonize("a/b*")
	fmt.Println(err)
	// Output:
	// a/**/b <nil>
	// a/*/*/** <nil>
	// a/*/b$*c <nil>
	// a/b <nil>
	// keyexpr: invalid key expression "a/b*": chunk 1: '*' may only form a whole chunk ('*' or '**') or follow '$' ('$*')
}

func ExampleKeyExpr_Includes() {
	fleet := keyexpr.MustParse("fleet/**")
	fmt.Println(fleet.Includes(keyexpr.MustParse("fleet/robot/*/pose")))
	fmt.Println(fleet.Includes(keyexpr.MustParse("fleet")))
	fmt.Println(keyexpr.MustParse("x/a$*").Includes(keyexpr.MustParse("x/abc$*")))
	fmt.Println(keyexpr.MustParse("x/abc$*").Includes(keyexpr.MustParse("x/a$*")))
	fmt.Println(keyexpr.MustParse("**").Includes(keyexpr.MustParse("@admin/**")))
	// Output:
	// true
	// true
	// true
	// false
	// false
}

func ExampleKeyExpr_Intersects() {
	fmt.Println(keyexpr.MustParse("a/*").Intersects(keyexpr.MustParse("*/a")))
	fmt.Println(keyexpr.MustParse("x/$*abc").Intersects(keyexpr.MustParse("x/abc$*")))
	fmt.Println(keyexpr.MustParse("x/$*d").Intersects(keyexpr.MustParse("x/$*e")))
	fmt.Println(keyexpr.MustParse("ab/*").Intersects(keyexpr.MustParse("ab")))
	// Output:
	// true
	// true
	// false
	// false
}

func ExampleKeyExpr_NonWildPrefix() {
	for _, s := range []string{"demo/**/test/**", "dem$*", "a/b/c", "fleet/robot/*/pose"} {
		fmt.Printf("%q\n", keyexpr.MustParse(s).NonWildPrefix())
	}
	// Output:
	// "demo"
	// ""
	// "a/b/c"
	// "fleet/robot"
}

func ExampleKeyExpr_Matches() {
	k := keyexpr.MustParse("fleet/**/pose")
	for _, key := range []string{"fleet/pose", "fleet/robot/7/pose", "fleet/robot/7/speed", "fleet/@internal/pose"} {
		fmt.Println(key, k.Matches(key))
	}
	// Output:
	// fleet/pose true
	// fleet/robot/7/pose true
	// fleet/robot/7/speed false
	// fleet/@internal/pose false
}

func ExampleStripPrefix() {
	fmt.Println(keyexpr.StripPrefix("demo/a/b", "demo"))
	fmt.Println(keyexpr.StripPrefix("demo", "demo"))
	fmt.Println(keyexpr.StripPrefix("demos/a", "demo"))
	fmt.Println(keyexpr.Join("demo", "a/b"))
	// Output:
	// a/b true
	//  true
	//  false
	// demo/a/b
}

func ExampleJoin() {
	fmt.Println(keyexpr.Join("demo", "a/b"))
	// The junction is canonized: "a/**/*" is written "a/*/**".
	fmt.Println(keyexpr.Join("a/**", "*"))
	fmt.Println(keyexpr.Join("a/**", "**/b"))
	// Output:
	// demo/a/b
	// a/*/**
	// a/**/b
}

// A '$*' inside a verbatim chunk is literal text, as in Zenoh: the chunk
// matches only itself.
func ExampleKeyExpr_verbatim() {
	k := keyexpr.MustParse("@a$*/**")
	fmt.Println(k.IsWild(), k.NonWildPrefix())
	for _, key := range []string{"@a$*/x", "@ab/x", "@a"} {
		fmt.Println(key, k.Matches(key))
	}
	fmt.Println(k.Intersects(keyexpr.MustParse("@a/**")))
	// Output:
	// true @a$*
	// @a$*/x true
	// @ab/x false
	// @a false
	// false
}
