#!/usr/bin/env bash
# deps.sh: installs what the tests need and is missing; safe to run again.
#
#   - librocksdb-dev (RocksDB 7.8 headers and libraries) from Debian's packages;
#   - a MinIO server, built with `go install` into .tools/bin (git-ignored);
#   - a versitygw server (the second S3 implementation, for the
#     cross-compatibility tests), built the same way.
#
# Set STRATA_MINIO_BIN or STRATA_VERSITYGW_BIN to use a binary of your own
# instead.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

MINIO_MODULE=github.com/minio/minio
# The upstream repository is archived: keep this exact pseudo-version.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

VERSITYGW_MODULE=github.com/versity/versitygw
VERSITYGW_VERSION=v1.8.0

log() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go not found in PATH"

# RocksDB.
rocksdb_present() {
	if command -v dpkg-query >/dev/null 2>&1; then
		[[ $(dpkg-query -W -f='${Status}' librocksdb-dev 2>/dev/null || true) == "install ok installed" ]]
	else
		# Not a Debian system: accept any RocksDB whose C header the compiler finds.
		printf '#include <rocksdb/c.h>\n' | "${CC:-cc}" -E -x c - >/dev/null 2>&1
	fi
}
if rocksdb_present; then
	log "librocksdb-dev: present"
elif command -v dpkg-query >/dev/null 2>&1; then
	log "librocksdb-dev: installing"
	bash "$root/scripts/apt-install.sh" librocksdb-dev || die "could not install librocksdb-dev"
	rocksdb_present || die "librocksdb-dev still missing after install"
	log "librocksdb-dev: installed"
else
	die "RocksDB 7.8 development files (rocksdb/c.h) not found; install them by hand"
fi

bindir=$root/.tools/bin

# install_tool NAME MODULE PACKAGE VERSION OVERRIDE: builds PACKAGE (of
# MODULE, at VERSION) with `go install` into $bindir/NAME, unless the binary
# there already reports MODULE VERSION, or the environment variable named
# OVERRIDE names a binary of the user's own.
install_tool() {
	local name=$1 module=$2 pkg=$3 version=$4 override=$5
	local override_val=${!override:-}
	if [[ -n $override_val ]]; then
		[[ -x $override_val ]] || die "$override=$override_val is not an executable file"
		log "$name: using $override=$override_val"
		return 0
	fi
	local bin=$bindir/$name
	if tool_current "$bin" "$module" "$version"; then
		log "$name: present ($version)"
		return 0
	fi

	mkdir -p "$bindir"
	# One installer at a time: a second `make deps` waits for the first.
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$root/.tools/$name.lock"
		if ! flock -n 9; then
			log "$name: another install is running; waiting for it"
			flock 9
		fi
	fi
	if tool_current "$bin" "$module" "$version"; then
		log "$name: present ($version)"
		exec 9>&-
		return 0
	fi
	if [[ -e $bin ]]; then
		log "$name: $bin is not $version; reinstalling"
	fi

	log "$name: go install $pkg@$version (a few minutes on a cold cache)"
	staging=$(mktemp -d "$bindir/.install.XXXXXX")
	trap 'rm -rf "$staging"' EXIT
	local start=$SECONDS
	GOBIN=$staging go install "$pkg@$version" || die "go install $pkg@$version failed"
	[[ -x $staging/$name ]] || die "go install did not produce a $name binary"
	mv -f "$staging/$name" "$bin"
	rm -rf "$staging"
	trap - EXIT
	tool_current "$bin" "$module" "$version" || die "installed $bin does not report $version"
	log "$name: installed in $((SECONDS - start))s"
	exec 9>&-
}

# tool_current BIN MODULE VERSION: whether BIN is a Go binary built from
# MODULE at VERSION.
tool_current() {
	[[ -x $1 ]] &&
		go version -m "$1" 2>/dev/null |
		grep -Eq "^[[:space:]]*mod[[:space:]]+$2[[:space:]]+$3([[:space:]]|\$)"
}

# MinIO (the upstream repository is archived: keep the pseudo-version).
install_tool minio "$MINIO_MODULE" "$MINIO_MODULE" "$MINIO_VERSION" STRATA_MINIO_BIN
# versitygw, posix backend included.
install_tool versitygw "$VERSITYGW_MODULE" "$VERSITYGW_MODULE/cmd/versitygw" "$VERSITYGW_VERSION" STRATA_VERSITYGW_BIN
