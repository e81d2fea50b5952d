#!/usr/bin/env bash
# deps.sh: installs what the tests need and is missing; safe to run again.
#
#   - librocksdb-dev (RocksDB 7.8 headers and libraries) from Debian's packages;
#   - a MinIO server, built with `go install` into .tools/bin (git-ignored).
#
# Set STRATA_MINIO_BIN to use a MinIO binary of your own instead.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

MINIO_MODULE=github.com/minio/minio
# The upstream repository is archived: keep this exact pseudo-version.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

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

# MinIO.
if [[ -n ${STRATA_MINIO_BIN:-} ]]; then
	[[ -x $STRATA_MINIO_BIN ]] || die "STRATA_MINIO_BIN=$STRATA_MINIO_BIN is not an executable file"
	log "minio: using STRATA_MINIO_BIN=$STRATA_MINIO_BIN"
	exit 0
fi

bindir=$root/.tools/bin
minio=$bindir/minio
minio_current() {
	[[ -x $minio ]] &&
		go version -m "$minio" 2>/dev/null |
		grep -Eq "^[[:space:]]*mod[[:space:]]+$MINIO_MODULE[[:space:]]+$MINIO_VERSION([[:space:]]|\$)"
}

if minio_current; then
	log "minio: present ($MINIO_VERSION)"
	exit 0
fi

mkdir -p "$bindir"
# One installer at a time: a second `make deps` waits for the first.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$root/.tools/minio.lock"
	if ! flock -n 9; then
		log "minio: another install is running; waiting for it"
		flock 9
	fi
fi
if minio_current; then
	log "minio: present ($MINIO_VERSION)"
	exit 0
fi
if [[ -e $minio ]]; then
	log "minio: $minio is not $MINIO_VERSION; reinstalling"
fi

log "minio: go install $MINIO_MODULE@$MINIO_VERSION (a few minutes on a cold cache)"
staging=$(mktemp -d "$bindir/.install.XXXXXX")
trap 'rm -rf "$staging"' EXIT
start=$SECONDS
GOBIN=$staging go install "$MINIO_MODULE@$MINIO_VERSION" || die "go install $MINIO_MODULE@$MINIO_VERSION failed"
[[ -x $staging/minio ]] || die "go install did not produce a minio binary"
mv -f "$staging/minio" "$minio"
minio_current || die "installed $minio does not report $MINIO_VERSION"
log "minio: installed in $((SECONDS - start))s"
