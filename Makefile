# Build, test and benchmark entry points. See docs/contributing.md.
#
#   make deps         install RocksDB (apt), MinIO and versitygw (.tools/bin) if missing
#   make demo         run the quickstart example (no server needed)
#   make warehouse    run the warehouse example (edge on RocksDB, cloud on a private MinIO)
#   make test         deps, go vet, go test -race with a private MinIO
#   make bench        deps, benchmarks with a private MinIO, output in bench.txt
#   make fuzz         run every fuzz target for FUZZTIME
#   make clean-tools  remove .tools (the MinIO and versitygw builds)
#
# Variables: PKGS (default ./...), TESTFLAGS (extra go test flags for `test`),
# BENCH (benchmark regexp, default .), COUNT (default 1), BENCHTIMEOUT
# (default 60m), FUZZTIME (default 10s). Example:
#   make test PKGS=./s3/... TESTFLAGS='-run TestConformance -v'
#   make bench BENCH=Store COUNT=10 PKGS=./rocksdb/...

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

GO           ?= go
PKGS         ?= ./...
TESTFLAGS    ?=
BENCH        ?= .
COUNT        ?= 1
BENCHTIMEOUT ?= 60m
FUZZTIME     ?= 10s

.PHONY: deps demo warehouse vet test bench fuzz clean-tools

deps:
	bash scripts/deps.sh

demo:
	$(GO) run ./examples/quickstart

vet: deps
	$(GO) vet $(PKGS)

WITHMINIO := .tools/bin/withminio

# withminio runs a command with a private MinIO server (internal/cmd/withminio).
$(WITHMINIO): FORCE
	$(GO) build -o $@ ./internal/cmd/withminio

.PHONY: FORCE
FORCE:

warehouse: deps $(WITHMINIO)
	$(WITHMINIO) $(GO) run ./examples/warehouse

test: vet $(WITHMINIO)
	$(WITHMINIO) $(GO) test -race -timeout 25m $(TESTFLAGS) $(PKGS)

bench: deps $(WITHMINIO)
	$(WITHMINIO) $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem \
		-count $(COUNT) -timeout $(BENCHTIMEOUT) $(PKGS) | tee bench.txt

fuzz:
	FUZZTIME='$(FUZZTIME)' bash scripts/fuzz.sh $(PKGS)

clean-tools:
	rm -rf .tools
