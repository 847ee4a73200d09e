#!/usr/bin/env bash
# Runs a command against PostgreSQL: bash scripts/with-postgres.sh <command...>
#
# With MESHBRIDGE_TEST_DATABASE_URL already set, the command simply runs. Otherwise
# a throwaway server is started on a free 127.0.0.1 port from a temporary folder,
# the URL is exported, and the server and folder are removed however the command
# ends. The command's exit status is the script's.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: bash scripts/with-postgres.sh <command...>" >&2
  exit 2
fi

if [[ -n "${MESHBRIDGE_TEST_DATABASE_URL:-}" ]]; then
  exec "$@"
fi

die() {
  echo "with-postgres: $*" >&2
  exit 1
}

# PATH first; Debian and Ubuntu keep the server tools out of it, under a versioned folder.
find_bin_dir() {
  local initdb
  if initdb=$(command -v initdb) && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$initdb")"
    return
  fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$candidate" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] || return 1
  echo "$candidate"
}

bin_dir=$(find_bin_dir) || die "initdb and pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin; install PostgreSQL or set MESHBRIDGE_TEST_DATABASE_URL"

# PostgreSQL refuses to run as root, so root runs it as the postgres user.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' OS user to run the server"
  as_pg=(runuser -u postgres --)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/meshbridge-pg.XXXXXX")
data="$tmp/data"
log="$tmp/postgres.log"
started=""

# From inside the temporary folder: the postgres user may not be allowed into the caller's.
run_pg() {
  (cd "$tmp" && ${as_pg[@]+"${as_pg[@]}"} "$@" </dev/null)
}

cleanup() {
  local status=$?
  if [[ -n "$started" ]]; then
    run_pg "$bin_dir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      run_pg "$bin_dir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${#as_pg[@]} -gt 0 ]]; then
  chown postgres: "$tmp"
fi
chmod 700 "$tmp"

run_pg "$bin_dir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; die "initdb failed"; }

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
  fi
}

# Another process may take the port between choosing and binding it; then choose again.
port=""
for _ in 1 2 3 4 5; do
  candidate=$(free_port)
  if run_pg "$bin_dir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-p $candidate -k '$tmp' -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null; then
    port=$candidate
    started=yes
    break
  fi
  # A postmaster that started but failed to get ready still needs stopping.
  run_pg "$bin_dir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  grep -q "could not bind\|already in use" "$log" 2>/dev/null || break
done
if [[ -z "$port" ]]; then
  cat "$log" >&2 2>/dev/null || true
  die "the PostgreSQL server did not start"
fi

# pg_ctl -w already waited for the server; pg_isready confirms it over TCP, as the tests connect.
pg_isready_bin=$(command -v "$bin_dir/pg_isready" || command -v pg_isready || true)
if [[ -n "$pg_isready_bin" ]]; then
  for attempt in $(seq 1 100); do
    "$pg_isready_bin" -q -h 127.0.0.1 -p "$port" -U postgres </dev/null && break
    [[ $attempt -lt 100 ]] || die "the PostgreSQL server on port $port did not become ready"
    sleep 0.1
  done
fi

export MESHBRIDGE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bin_dir/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

set +e
"$@"
exit $?
