// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package keyexpr

import "testing"

var sinkBool bool

func benchPair(b *testing.B, sa, sb string, f func(a, b KeyExpr) bool) {
	x, y := MustParse(sa), MustParse(sb)
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = f(x, y)
	}
}

func BenchmarkIntersects(b *testing.B) {
	for _, bm := range []struct{ name, a, b string }{
		{"example_vs_test", "demo/example/**", "demo/*/test"},
		{"pose_vs_fleet", "fleet/robot/*/pose", "fleet/**"},
		{"concrete", "fleet/robot/*/pose", "fleet/robot/7/pose"},
		{"subwild", "x/$*abc/**", "x/abc$*/y"},
		{"double_both", "**/a/*/**/b", "*/a/**/c/**/b"},
		{"disjoint", "demo/a/**", "demo/b/**"},
	} {
		b.Run(bm.name, func(b *testing.B) { benchPair(b, bm.a, bm.b, KeyExpr.Intersects) })
	}
}

func BenchmarkIncludes(b *testing.B) {
	for _, bm := range []struct{ name, a, b string }{
		{"fleet_vs_pose", "fleet/**", "fleet/robot/*/pose"},
		{"example_vs_test", "demo/example/**", "demo/*/test"},
		{"star_vs_double", "a/*/**", "a/b/**"},
		{"subwild", "x/a$*e/**", "x/a$*d$*e/**"},
		{"concrete", "fleet/robot/*/pose", "fleet/robot/7/pose"},
		{"double_both", "**/a/*/**", "*/a/**/b$*/c"},
	} {
		b.Run(bm.name, func(b *testing.B) { benchPair(b, bm.a, bm.b, KeyExpr.Includes) })
	}
}

func BenchmarkMatches(b *testing.B) {
	for _, bm := range []struct{ name, e, key string }{
		{"star", "fleet/robot/*/pose", "fleet/robot/7/pose"},
		{"double", "fleet/**", "fleet/robot/7/pose"},
		{"double_mid", "demo/**/test", "demo/a/b/c/test"},
		{"subwild", "sensor/temp$*/**", "sensor/temperature/room/1"},
		{"miss", "fleet/robot/*/pose", "fleet/robot/7/speed"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			e := MustParse(bm.e)
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = e.Matches(bm.key)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		k, _ := Parse("fleet/robot/*/pose/**")
		sinkBool = k.IsZero()
	}
}

func BenchmarkCanonize(b *testing.B) {
	b.Run("canonical", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			k, _ := Canonize("fleet/robot/*/pose/**")
			sinkBool = k.IsZero()
		}
	})
	b.Run("rewrite", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			k, _ := Canonize("fleet/**/*/$*$*pose/**")
			sinkBool = k.IsZero()
		}
	})
}

func BenchmarkValidateKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = ValidateKey("fleet/robot/7/pose") == nil
	}
}
