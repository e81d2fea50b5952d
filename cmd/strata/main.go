// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Command strata looks inside strata stores, moves data between them and
// serves them over HTTP. Stores are named by URL, as strata.OpenURL reads
// them:
//
//	memory:                                         a new, empty in-memory store (gone at exit)
//	rocksdb:///var/lib/strata/db?create=true        a RocksDB directory
//	s3://bucket/prefix?endpoint=host:9000&secure=false&create=true
//	                                                a bucket (or a prefix of one) on S3 or MinIO
//
// S3 credentials come from the standard chain (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, IAM), never from the URL.
//
// Commands:
//
//	strata put [-encoding E] URL KEY VALUE   store VALUE ("-": standard input) under KEY
//	strata get [-json] URL SELECTOR          print the values a selector matches
//	strata del URL EXPR                      delete a key, or every key a wildcard matches
//	strata ls [-all] [-size] URL [SELECTOR]  list keys with their timestamps
//	strata stats URL                         count keys, tombstones and wildcard deletes
//	strata gc URL                            erase expired tombstones now
//	strata cp SRC_URL DST_URL [SELECTOR]     copy samples with their timestamps
//	strata diff URL_A URL_B [SELECTOR]       compare two stores (exit 0: equal, 1: not)
//	strata serve URL                         serve a store over HTTP (Zenoh's REST API)
//	strata help [COMMAND]                    document a command
//
// A store remembers the key expression it was created with; -keyexpr is
// needed only to create one (the first put into a new store, or a cp or
// serve into one). Flags may come before or after the arguments; "--" ends
// them (for a VALUE that starts with "-").
//
// Exit status: 0 on success, 1 on an error (and for diff, when the stores
// differ), 2 for a usage error (and for diff, on an error).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// env is what a command reads and writes besides its arguments.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// terminal says whether stderr is a terminal (progress bars).
	terminal bool
	logger   *slog.Logger
}

// command is one subcommand of strata.
type command struct {
	name     string
	args     string // the synopsis after the name
	summary  string // one line
	help     string // the rest of `strata help NAME`
	flags    func(fs *flag.FlagSet) any
	run      func(ctx context.Context, e *env, fl any, args []string) error
	min, max int // number of positional arguments; max < 0: any
}

// commands is filled by the init functions of the command files.
var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// exitError ends the program with a status other than 1.
type exitError struct {
	code int
	err  error // nil: print nothing
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError is a mistake in the command line: status 2, with the
// command's synopsis.
type usageError struct {
	cmd *command
	msg string
}

func (e *usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		terminal: isTerminal(os.Stderr),
	}
	code := run(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run runs the command line args and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if e.logger == nil {
		e.logger = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(e, args[1:])
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "strata: unknown command %q (run `strata help` for the list)\n", name)
		return 2
	}
	fs := flag.NewFlagSet("strata "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var fl any
	if c.flags != nil {
		fl = c.flags(fs)
	}
	pos, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		commandHelp(e.stdout, c)
		return 0
	}
	if err == nil && (len(pos) < c.min || (c.max >= 0 && len(pos) > c.max)) {
		err = fmt.Errorf("wrong number of arguments")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "strata %s: %v\nusage: strata %s %s\n(run `strata help %s` for more)\n", name, err, name, c.args, name)
		return 2
	}
	err = c.run(ctx, e, fl, pos)
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "strata %s: %s\nusage: strata %s %s\n", name, ue.msg, name, c.args)
		return 2
	case errors.As(err, &ee):
		if ee.err != nil {
			printError(e.stderr, name, ee.err)
		}
		return ee.code
	default:
		printError(e.stderr, name, err)
		return 1
	}
}

// printError writes err to w as "strata CMD: ...", without repeating the
// "strata: " that the library's errors start with.
func printError(w io.Writer, name string, err error) {
	msg := strings.TrimPrefix(err.Error(), "strata: ")
	fmt.Fprintf(w, "strata %s: %s\n", name, msg)
}

// parseInterleaved parses flags wherever they are among the positional
// arguments, as people type them ("strata get URL KEY -json"). "--" ends
// the flags; a lone "-" is an argument.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		// flag stops at the first argument, or after "--" (which it
		// consumes): tell them apart by what it consumed.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usage prints the list of commands.
func usage(w io.Writer) {
	fmt.Fprint(w, `strata looks inside strata stores, copies and compares them, and serves them over HTTP.

usage: strata COMMAND [flags] ARGS...

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-6s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `  help   document a command: strata help COMMAND

Stores are named by URL:
  memory:                                    a new, empty in-memory store (gone at exit)
  rocksdb:///abs/path?create=true            a RocksDB directory (create: make it if missing)
  rocksdb:rel/path?readonly=true             relative, read-only (while a server holds it)
  s3://bucket/prefix?endpoint=host:9000&secure=false&create=true
                                             S3 or MinIO; credentials from AWS_ACCESS_KEY_ID,
                                             AWS_SECRET_ACCESS_KEY (or ~/.aws, IAM)

A store remembers its key expression: -keyexpr is needed only to create one.
Flags may follow the arguments; "--" ends them.
Exit status: 0 success, 1 error (diff: the stores differ), 2 usage error (diff: error).
`)
}

// help implements `strata help [COMMAND]`.
func help(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "strata help: unknown command %q\n", args[0])
		usage(e.stderr)
		return 2
	}
	commandHelp(e.stdout, c)
	return 0
}

// commandHelp documents c: synopsis, text and flags.
func commandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: strata %s %s\n\n%s\n", c.name, c.args, strings.TrimSpace(c.help))
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	if c.flags != nil {
		c.flags(fs)
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}
