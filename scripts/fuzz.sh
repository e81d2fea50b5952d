#!/usr/bin/env bash
# fuzz.sh [PACKAGES...]: runs every fuzz target of the packages (default ./...)
# for FUZZTIME each (default 10s), one after the other. New failing inputs land
# in the package's testdata/fuzz, as `go test -fuzz` always does.
set -euo pipefail

FUZZTIME=${FUZZTIME:-10s}
(( $# > 0 )) || set -- ./...

log() { printf 'fuzz: %s\n' "$*" >&2; }

# `go test -list` prints the matching names of a package, then "ok <pkg> <time>".
if ! listing=$(go test -list '^Fuzz' "$@" 2>&1); then
	printf '%s\n' "$listing" >&2
	log "error: listing fuzz targets failed"
	exit 1
fi

targets=() # "pkg name"
names=()
while IFS= read -r line; do
	if [[ $line =~ ^Fuzz[[:alnum:]_]*$ ]]; then
		names+=("$line")
	elif [[ $line =~ ^ok[[:space:]]+([^[:space:]]+) ]]; then
		for name in "${names[@]}"; do
			targets+=("${BASH_REMATCH[1]} $name")
		done
		names=()
	fi
done <<<"$listing"

if (( ${#targets[@]} == 0 )); then
	log "no fuzz targets in $*"
	exit 0
fi

failed=()
for target in "${targets[@]}"; do
	pkg=${target% *}
	name=${target#* }
	log "$pkg $name ($FUZZTIME)"
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"; then
		failed+=("$pkg $name")
	fi
done

if (( ${#failed[@]} > 0 )); then
	log "failed:"
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
log "${#targets[@]} targets passed"
