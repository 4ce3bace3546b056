#!/usr/bin/env bash
# scripts/test.sh — run kiln's whole test suite, the same way on a laptop and in CI.
#
#   ./scripts/test.sh                          # vet, gofmt, race tests, all tests
#   ./scripts/test.sh -run Foo ./compiler/...  # only `go test -count=1 -run Foo ./compiler/...`
#
# The tests that need PostgreSQL get a throwaway server: the script starts one from the
# machine's PostgreSQL binaries (installing Debian's `postgresql` package when there are
# none), in a fresh temporary directory, on 127.0.0.1 and a free port, and removes it
# again at exit. It then exports
#
#   KILN_TEST_PG_DSN=postgres://postgres@127.0.0.1:PORT/kiln_test?sslmode=disable
#   KILN_TEST_REQUIRE_PG=1   # tests that need PostgreSQL fail instead of skipping
#
# If KILN_TEST_PG_DSN is already set, that server is used and none is started.
# Package patterns are relative to the repository root (the script cd's there).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

pg_tmp=""      # temporary directory holding the cluster, its socket and its log
pg_bin=""      # directory of initdb, pg_ctl, …
pg_started=""  # set once pg_ctl start succeeded: the cluster must be stopped at exit

# pg_find_bin prints the bin directory of the newest PostgreSQL under /usr/lib/postgresql.
pg_find_bin() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	[[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]] && printf '%s\n' "$d"
	return 0
}

# pg_install installs Debian's PostgreSQL package (non-interactively: CI has no stdin).
pg_install() {
	local sudo=()
	if [[ $EUID -ne 0 ]]; then
		command -v sudo >/dev/null || die "PostgreSQL is not installed and we are not root: install it, or set KILN_TEST_PG_DSN"
		sudo=(sudo -n)
	fi
	command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get: install it, or set KILN_TEST_PG_DSN"
	log "installing PostgreSQL (apt-get)"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql </dev/null
}

# as_pg runs a command as the user that owns the cluster: initdb refuses to run as root,
# so root runs it as `postgres`; anyone else runs it as themselves.
as_pg() {
	if [[ $EUID -eq 0 ]]; then
		(cd "$pg_tmp" && runuser -u postgres -- "$@")
	else
		(cd "$pg_tmp" && "$@")
	fi
}

# port_busy succeeds when something already listens on 127.0.0.1:$1.
port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pg_start initialises a cluster in a new temporary directory and starts it on a free port.
# It sets PG_PORT.
pg_start() {
	pg_bin=$(pg_find_bin)
	if [[ -z "$pg_bin" ]]; then
		pg_install
		pg_bin=$(pg_find_bin)
		[[ -n "$pg_bin" ]] || die "PostgreSQL binaries not found under /usr/lib/postgresql after installing"
	fi
	if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
	fi

	pg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-pg.XXXXXX")
	if [[ $EUID -eq 0 ]]; then
		chown postgres: "$pg_tmp"
	fi
	log "starting PostgreSQL from $pg_bin in $pg_tmp"
	as_pg "$pg_bin/initdb" -D "$pg_tmp/data" --auth=trust -U postgres \
		--encoding=UTF8 --locale=C --no-sync >"$pg_tmp/initdb.log" 2>&1 ||
		{ cat "$pg_tmp/initdb.log" >&2; die "initdb failed"; }

	# Pick a port from a random start; if another process takes it between the check and
	# the start, pg_ctl fails and we try the next one.
	local port
	port=$((20000 + RANDOM % 30000))
	for _ in $(seq 1 50); do
		port=$((port + 1))
		port_busy "$port" && continue
		pg_started=1 # from here on, pg_stop must try to stop it
		if as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$pg_tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
			start >/dev/null; then
			PG_PORT=$port
			break
		fi
		# The server may have died during start-up (port taken): retry only if it is gone.
		if [[ -f "$pg_tmp/data/postmaster.pid" ]]; then
			cat "$pg_tmp/server.log" >&2
			die "PostgreSQL did not start"
		fi
		pg_started=""
	done
	[[ -n "$pg_started" ]] || { cat "$pg_tmp/server.log" >&2; die "PostgreSQL did not start on any port"; }

	local i
	for i in $(seq 1 60); do
		"$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres && break
		[[ $i -eq 60 ]] && { cat "$pg_tmp/server.log" >&2; die "PostgreSQL is not ready"; }
		sleep 0.5
	done
	"$pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres kiln_test
	log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

# pg_stop stops the server this script started (and only it) and removes its directory.
pg_stop() {
	if [[ -n "$pg_started" ]]; then
		pg_started=""
		if ! as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
			# pg_ctl could not stop it: kill the postmaster we started, by its own PID.
			local pid
			pid=$(head -n 1 "$pg_tmp/data/postmaster.pid" 2>/dev/null || true)
			[[ "$pid" =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	if [[ -n "$pg_tmp" ]]; then
		rm -rf "$pg_tmp"
		pg_tmp=""
	fi
}

trap pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n "${KILN_TEST_PG_DSN:-}" ]]; then
	log "using PostgreSQL from KILN_TEST_PG_DSN"
else
	pg_start
	export KILN_TEST_PG_DSN="postgres://postgres@127.0.0.1:$PG_PORT/kiln_test?sslmode=disable"
fi
export KILN_TEST_REQUIRE_PG="${KILN_TEST_REQUIRE_PG:-1}"

# ---------------------------------------------------------------------------
# Chromium, for the docs site's browser test (docsite/browser_test.go)
# ---------------------------------------------------------------------------
# The test opens target/docs/index.html in Debian's headless Chromium. Install it when it is
# missing, and make the test fail rather than skip without it. KILN_TEST_REQUIRE_CHROMIUM=0
# skips the install (the test then skips when there is no Chromium); KILN_TEST_CHROMIUM=/path
# uses another Chromium or Chrome binary.

chromium_install() {
	local sudo=()
	if [[ $EUID -ne 0 ]]; then
		command -v sudo >/dev/null || die "Chromium is not installed and we are not root: install it (apt-get install chromium), or set KILN_TEST_REQUIRE_CHROMIUM=0"
		sudo=(sudo -n)
	fi
	command -v apt-get >/dev/null || die "Chromium is not installed and there is no apt-get: install it, or set KILN_TEST_REQUIRE_CHROMIUM=0"
	log "installing Chromium (apt-get)"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium </dev/null
}

export KILN_TEST_REQUIRE_CHROMIUM="${KILN_TEST_REQUIRE_CHROMIUM:-1}"
if [[ "$KILN_TEST_REQUIRE_CHROMIUM" == "1" && -z "${KILN_TEST_CHROMIUM:-}" ]] && ! command -v chromium >/dev/null; then
	chromium_install
	command -v chromium >/dev/null || die "chromium is still not on PATH after installing it"
fi

# ---------------------------------------------------------------------------
# Go
# ---------------------------------------------------------------------------

# With arguments: exactly the go test the caller asked for.
if [[ $# -gt 0 ]]; then
	go test -count=1 "$@"
	exit 0 # a failure has already exited, through set -e, with go test's status
fi

failed=()

log "go vet ./..."
go vet ./... || failed+=("go vet")

log "gofmt -l"
# The go files the go tool sees: not under testdata/, nor under directories starting with . or _.
unformatted=$(find . -name '*.go' -not -path '*/testdata/*' -not -path '*/.*/*' -not -path '*/_*' -print0 |
	xargs -0 -r gofmt -l)
if [[ -n "$unformatted" ]]; then
	printf 'these files need gofmt -w:\n%s\n' "$unformatted" >&2
	failed+=("gofmt")
fi

# Packages that run things in parallel get the race detector; a missing directory is skipped.
race_dirs=()
for d in compiler/dag materialize cmd/kiln/cli; do
	[[ -d "$d" ]] && race_dirs+=("./$d/...")
done
race_pkgs=""
if [[ ${#race_dirs[@]} -gt 0 ]]; then
	race_pkgs=$(go list "${race_dirs[@]}" 2>/dev/null || true)
fi
if [[ -n "$race_pkgs" ]]; then
	log "go test -race ${race_dirs[*]}"
	# shellcheck disable=SC2086 # one package path per word
	go test -race -count=1 $race_pkgs || failed+=("go test -race")
fi

# Everything else (the raced packages already ran, fully, above).
other_pkgs=$(go list ./... | grep -vxF -f <(printf '%s\n' "$race_pkgs") || true)
if [[ -n "$other_pkgs" ]]; then
	log "go test ./..."
	# shellcheck disable=SC2086
	go test -count=1 $other_pkgs || failed+=("go test")
fi

if [[ ${#failed[@]} -gt 0 ]]; then
	log "FAILED: ${failed[*]}"
	exit 1
fi
log "all checks passed"
