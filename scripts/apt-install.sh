#!/usr/bin/env bash
# apt-install.sh PACKAGE...: installs Debian packages that are not installed yet.
#
# Runs apt-get as root directly, or through sudo when not root. Exits non-zero
# when a package cannot be installed.
set -euo pipefail

log() { printf 'apt-install: %s\n' "$*" >&2; }

if (( $# == 0 )); then
	echo "usage: $0 PACKAGE..." >&2
	exit 2
fi

installed() {
	[[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

missing=()
for pkg in "$@"; do
	installed "$pkg" || missing+=("$pkg")
done
if (( ${#missing[@]} == 0 )); then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	log "error: apt-get not found; install ${missing[*]} (or their equivalent) by hand"
	exit 1
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		log "error: need root (or sudo) to install ${missing[*]}"
		exit 1
	fi
	as_root=(sudo)
fi

apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
log "apt-get update"
"${apt[@]}" update >/dev/null
log "apt-get install ${missing[*]}"
"${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null

for pkg in "${missing[@]}"; do
	if ! installed "$pkg"; then
		log "error: $pkg is still not installed"
		exit 1
	fi
done
