// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/hlc"
)

// exerciseCommands drives put, get, del, ls, stats and gc against the
// store at u, which does not exist yet; create is u with the parameter
// that creates it.
func exerciseCommands(t *testing.T, r *runner, u, create string) {
	// A new store needs -keyexpr, and the backend's create parameter.
	r.fails(1, []string{"give -keyexpr", "to create one"}, "put", create, "demo/a", "x")
	r.fails(1, []string{"no store there yet"}, "get", create, "demo/a")

	res := r.ok("put", "-keyexpr", "demo/**", create, "demo/a", "hello")
	ts, err := hlc.Parse(strings.TrimSpace(res.stdout))
	require.NoError(t, err, "put prints the timestamp: %q", res.stdout)

	// Later commands use the recorded key expression; flags go anywhere.
	res = r.ok("put", u, "demo/b", `{"x":1}`, "-encoding", "application/json")
	tsB, err := hlc.Parse(strings.TrimSpace(res.stdout))
	require.NoError(t, err)
	in := "line 1\nline 2\n\x00\xff binary"
	res = r.run(in, "put", u, "demo/c/bin", "-")
	require.Zero(t, res.code, res)
	r.ok("put", u, "demo/d", "--", "-5")

	// get: a key is raw, byte for byte; a wildcard is one value a line.
	assert.Equal(t, "hello", r.ok("get", u, "demo/a").stdout)
	assert.Equal(t, in, r.ok("get", u, "demo/c/bin").stdout)
	assert.Equal(t, "-5", r.ok("get", u, "demo/d").stdout)
	assert.Equal(t, "hello\n{\"x\":1}\n-5\n", r.ok("get", u, "demo/*").stdout)

	lines := strings.Split(strings.TrimSpace(r.ok("get", "-json", u, "demo/**").stdout), "\n")
	require.Len(t, lines, 4)
	var js []jsonSample
	for _, l := range lines {
		var j jsonSample
		require.NoError(t, json.Unmarshal([]byte(l), &j), l)
		js = append(js, j)
	}
	assert.Equal(t, jsonSample{Key: "demo/a", Value: "hello", Timestamp: ts.String(), Time: string(ts.Time.AppendRFC3339(nil))}, js[0])
	assert.Equal(t, "application/json", js[1].Encoding)
	assert.Equal(t, "demo/c/bin", js[2].Key)
	assert.True(t, js[2].Base64, "a value that is not UTF-8 is base64")
	raw, err := base64.StdEncoding.DecodeString(js[2].Value)
	require.NoError(t, err)
	assert.Equal(t, in, string(raw))

	// ls: keys with timestamps, sizes with -size; no values otherwise.
	out := r.ok("ls", u).stdout
	assert.Equal(t, 4, strings.Count(out, "\n"), out)
	assert.Contains(t, out, ts.RFC3339()+"  put   demo/a\n")
	out = r.ok("ls", "-size", u, "demo/*").stdout
	assert.Contains(t, out, "         5  demo/a\n")
	assert.Contains(t, out, "         7  demo/b\n")
	assert.NotContains(t, out, "demo/c/bin")

	// del: a key, then a wildcard; ls -all shows tombstones and the
	// remembered wildcard delete.
	r.ok("del", u, "demo/a")
	r.fails(1, []string{"not found"}, "get", u, "demo/a")
	r.ok("del", u, "demo/c/**")
	assert.Equal(t, "{\"x\":1}\n-5\n", r.ok("get", u, "demo/**").stdout)
	out = r.ok("ls", "-all", u).stdout
	assert.Regexp(t, `(?m)^\S+  del   demo/a$`, out)
	assert.Regexp(t, `(?m)^\S+  del   demo/c/bin$`, out)
	assert.Regexp(t, `(?m)^\S+  wdel  demo/c/\*\*$`, out)
	var le lsEntry
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(r.ok("ls", "-json", "-size", u, "demo/b").stdout, "\n", 2)[0]), &le))
	require.NotNil(t, le.Size)
	assert.Equal(t, lsEntry{Key: "demo/b", Kind: "put", Encoding: "application/json", Timestamp: le.Timestamp, Time: le.Time, Size: le.Size}, le)
	assert.Equal(t, 7, *le.Size)

	// stats counts what ls -all lists.
	var st storeStats
	require.NoError(t, json.Unmarshal([]byte(r.ok("stats", "-json", "-size", u).stdout), &st))
	assert.Equal(t, "demo/**", st.KeyExpr)
	assert.Equal(t, 2, st.Keys)
	assert.Equal(t, 2, st.Tombstones)
	assert.Equal(t, 1, st.WildcardDeletes)
	require.NotNil(t, st.ValueBytes)
	assert.EqualValues(t, 9, *st.ValueBytes)
	assert.Equal(t, tsB.RFC3339(), st.Oldest, "demo/a's put was deleted")
	assert.Contains(t, r.ok("stats", u).stdout, "tombstones        2\n")

	// gc with the default lifespan keeps the fresh deletes; with a tiny
	// one it erases them.
	assert.Equal(t, "erased 0 tombstones, forgot 0 wildcard deletes\n", r.ok("gc", u).stdout)
	out = r.ok("gc", "-lifespan", "1ns", u).stdout
	// A new process, over S3 too: garbage collection reads each tombstone
	// before it erases it.
	assert.Equal(t, "erased 2 tombstones, forgot 1 wildcard deletes\n", out)
	out = r.ok("ls", "-all", u).stdout
	assert.NotContains(t, out, "del")
	assert.Equal(t, 2, strings.Count(out, "\n"), out)

	// A store opened with another key expression is refused, with the
	// recorded one named.
	r.fails(1, []string{"incompatible", `-keyexpr "demo/**"`}, "put", "-keyexpr", "other/**", u, "other/a", "x")
	// Out of scope and invalid keys say so.
	r.fails(1, []string{"out of scope"}, "put", u, "other/a", "x")
	r.fails(1, []string{"invalid key"}, "put", u, "demo//a", "x")
}

func TestCommandsRocksDB(t *testing.T) {
	u := rocksURL(t, "db")
	r := newRunner(t)
	r.fails(1, []string{"no database there", "(add ?create=true to create it)"}, "put", "-keyexpr", "demo/**", u, "demo/a", "x")
	exerciseCommands(t, r, u, withParam(u, "create=true"))
}

func TestCommandsS3(t *testing.T) {
	s := newS3Store(t)
	r := newRunner(t).withS3(s.srv)
	r.fails(1, []string{"no such bucket", "(add &create=true to create the bucket)"}, "put", "-keyexpr", "demo/**", s.url("p"), "demo/a", "x")
	exerciseCommands(t, r, s.url("p"), s.url("p", "create=true"))
	// Without credentials, the error says where they come from.
	bare := newRunner(t)
	bare.env = append(withoutAWS(bare.env), "AWS_ACCESS_KEY_ID=nobody", "AWS_SECRET_ACCESS_KEY=wrongwrongwrong")
	bare.fails(1, []string{"AWS_ACCESS_KEY_ID"}, "ls", s.url("p"))
}

// TestCommandsMemory: memory: is a new store in every process, so a put
// works (it needs -keyexpr) and a read finds no store.
func TestCommandsMemory(t *testing.T) {
	r := newRunner(t)
	res := r.ok("put", "-keyexpr", "demo/**", "memory:", "demo/a", "x")
	_, err := hlc.Parse(strings.TrimSpace(res.stdout))
	require.NoError(t, err)
	r.fails(1, []string{"give -keyexpr"}, "del", "memory:", "demo/a")
	r.ok("del", "-keyexpr", "demo/**", "memory:", "demo/**")
	for _, cmd := range []string{"get", "ls", "stats"} {
		args := []string{cmd, "memory:"}
		if cmd == "get" {
			args = append(args, "demo/a")
		}
		r.fails(1, []string{"no store there yet"}, args...)
	}
	r.fails(1, []string{"takes no name or path"}, "ls", "memory:x")
}

func TestUsageAndHelp(t *testing.T) {
	r := newRunner(t)
	res := r.run("")
	assert.Equal(t, 2, res.code)
	assert.Contains(t, res.stderr, "usage: strata COMMAND")
	for name := range commands {
		assert.Contains(t, res.stderr, "\n  "+name+" ")
		out := r.ok("help", name).stdout
		assert.True(t, strings.HasPrefix(out, "usage: strata "+name+" "), out)
		assert.Equal(t, out, r.ok(name, "-h").stdout)
	}
	assert.Contains(t, r.ok("help").stdout, "Commands:")
	r.fails(2, []string{`unknown command "nope"`}, "nope")
	r.fails(2, []string{`unknown command "nope"`}, "help", "nope")
	r.fails(2, []string{"wrong number of arguments", "usage: strata get"}, "get", "memory:")
	r.fails(2, []string{"flag provided but not defined: -bogus"}, "ls", "-bogus", "memory:")
	r.fails(1, []string{"no scheme", "a store URL is"}, "ls", "nothing/here")
	r.fails(2, []string{"-progress"}, "cp", "-progress", "maybe", "memory:", "memory:")
	r.fails(2, []string{"-peers needs -id"}, "serve", "-peers", "a=http://127.0.0.1:1", "memory:")
}
