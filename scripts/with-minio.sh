#!/usr/bin/env bash
# with-minio.sh CMD [ARGS...]: runs CMD with a private MinIO server.
#
# Starts MinIO on free 127.0.0.1 ports, in a fresh temporary directory, with
# random credentials; waits until it is ready; runs CMD with
#
#   STRATA_S3_ENDPOINT    host:port of the server (plain http, no scheme)
#   STRATA_S3_ACCESS_KEY  access key
#   STRATA_S3_SECRET_KEY  secret key
#   STRATA_MINIO_BIN      absolute path of the MinIO binary (for tests that
#                         start servers of their own)
#
# and always stops the server and removes the directory afterwards, exiting
# with CMD's status. The binary is $STRATA_MINIO_BIN, else .tools/bin/minio
# (see scripts/deps.sh). Messages go to stderr, so CMD's stdout stays clean.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

READY_TIMEOUT=${STRATA_MINIO_READY_TIMEOUT:-60} # seconds
STOP_TIMEOUT=10                                 # seconds before SIGKILL

log() { printf 'with-minio: %s\n' "$*" >&2; }

if (( $# == 0 )); then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

bin=${STRATA_MINIO_BIN:-$root/.tools/bin/minio}
if [[ ! -x $bin ]]; then
	log "error: no MinIO binary at $bin (run: make deps)"
	exit 1
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/strata-minio.XXXXXX")
pid=

stop_minio() {
	[[ -n $pid ]] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + STOP_TIMEOUT))
		while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "MinIO (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || true
	pid=
}

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	stop_minio
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# used_port PORT: whether something accepts connections on 127.0.0.1:PORT.
used_port() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# free_port [EXCLUDED]: prints a port in [20000, 32767] (below Linux's
# ephemeral range, so outgoing connections do not take it) that nothing
# listens on. MinIO may still lose a race for it; the caller retries.
free_port() {
	local port
	for _ in $(seq 1 100); do
		port=$((20000 + RANDOM % 12768))
		[[ $port == "${1:-}" ]] && continue
		if ! used_port "$port"; then
			echo "$port"
			return 0
		fi
	done
	log "error: found no free port"
	return 1
}

# ready PORT: whether MinIO on PORT answers its readiness probe with 200
# and serves S3 requests: right after the probe turns 200, MinIO may still
# answer requests with 503 (XMinioServerNotInitialized); an unsigned list
# of buckets answers 403 once it serves.
ready() {
	[[ $(status_of "$1" /minio/health/ready) =~ ^HTTP/[0-9.]+\ 200 ]] || return 1
	local s3
	s3=$(status_of "$1" /) || return 1
	[[ $s3 =~ ^HTTP/[0-9.]+\ [0-9]+ && ! $s3 =~ ^HTTP/[0-9.]+\ 503 ]]
}

# status_of PORT PATH: the status line of a GET of PATH.
status_of() {
	timeout 2 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n" "$2" "$1" >&3
		IFS= read -r line <&3 && printf "%s" "$line"
	' _ "$1" "$2" 2>/dev/null
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

access_key=strata$(random_hex 6)
secret_key=$(random_hex 16)
mkdir -p "$tmp/data" "$tmp/certs"

started=
for attempt in 1 2 3 4 5; do
	port=$(free_port)
	console_port=$(free_port "$port")
	: >"$tmp/minio.log"
	(
		# Only our settings: unset any MINIO_* the caller's environment holds.
		while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^MINIO_' || true)
		export MINIO_ROOT_USER=$access_key MINIO_ROOT_PASSWORD=$secret_key MINIO_UPDATE=off
		# --certs-dir: an empty directory, so ~/.minio/certs cannot turn on TLS.
		exec "$bin" server "$tmp/data" \
			--address "127.0.0.1:$port" \
			--console-address "127.0.0.1:$console_port" \
			--certs-dir "$tmp/certs"
	) >"$tmp/minio.log" 2>&1 </dev/null &
	pid=$!
	start=$SECONDS
	while (( SECONDS - start < READY_TIMEOUT )); do
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if ready "$port"; then
			started=1
			break
		fi
		sleep 0.1
	done
	[[ -n $started ]] && break
	if ! kill -0 "$pid" 2>/dev/null && grep -qi 'already in use' "$tmp/minio.log"; then
		log "port $port or $console_port was taken; retrying (attempt $attempt)"
		wait "$pid" 2>/dev/null || true
		pid=
		continue
	fi
	if kill -0 "$pid" 2>/dev/null; then
		log "error: MinIO not ready after ${READY_TIMEOUT}s; its log:"
	else
		log "error: MinIO exited during startup; its log:"
	fi
	sed 's/^/  | /' "$tmp/minio.log" >&2
	exit 1
done
if [[ -z $started ]]; then
	log "error: could not start MinIO; its last log:"
	sed 's/^/  | /' "$tmp/minio.log" >&2
	exit 1
fi
log "MinIO ready at 127.0.0.1:$port after $((SECONDS - start))s (pid $pid)"

export STRATA_S3_ENDPOINT=127.0.0.1:$port
export STRATA_S3_ACCESS_KEY=$access_key
export STRATA_S3_SECRET_KEY=$secret_key
export STRATA_MINIO_BIN=$bin

set +e
"$@"
status=$?
set -e
exit "$status"
