#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store's tests: a new cluster in a temporary folder,
# listening on 127.0.0.1 and a free port only, with one empty database. No Docker needed.
#
#   eval "$(bash scripts/test-postgres.sh start)"   # prints the exports below, for eval
#   pnpm exec vitest run --project store             # the PostgreSQL tests run when the URL is set
#   bash scripts/test-postgres.sh stop               # stops the server, removes the folder
#
# `start` prints `export ORDERBRIDGE_TEST_DATABASE_URL=…` and `export ORDERBRIDGE_TEST_POSTGRES_DIR=…`
# (the folder `stop` removes; `stop DIR` names it explicitly). It installs Debian's `postgresql`
# package when no `/usr/lib/postgresql/*/bin/initdb` exists (needs root or sudo). `initdb` refuses
# to run as root, so as root the server runs as the `postgres` user the package creates; anyone
# else runs it as themselves. Authentication is `trust`, which is safe only because the server
# listens on loopback alone and its socket folder belongs to the server's user.
set -euo pipefail

usage() {
  echo "usage: bash scripts/test-postgres.sh start | stop [DIR]" >&2
  exit 2
}

log() { echo "test-postgres: $*" >&2; }

find_bindir() {
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && echo "$candidate"
}

# Runs a command as the server's user: `postgres` when we are root, ourselves otherwise.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_postgres() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      log "PostgreSQL is not installed and installing it needs root or sudo"
      exit 1
    }
    sudo=(sudo)
  fi
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q >&2
  "${sudo[@]}" apt-get install -y -q postgresql >&2
}

free_port() {
  node -e 'const server = require("node:net").createServer();
server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });'
}

start() {
  local bindir dir port
  bindir=$(find_bindir || true)
  if [ -z "$bindir" ]; then
    install_postgres
    bindir=$(find_bindir || true)
    [ -n "$bindir" ] || {
      log "postgresql was installed but no /usr/lib/postgresql/*/bin/initdb exists"
      exit 1
    }
  fi
  dir=$(mktemp -d -t orderbridge-pg.XXXXXX)
  # From here on, a failure removes what was started.
  trap 'stop_dir "$dir" "$bindir" >/dev/null 2>&1 || true' ERR
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || {
      log "running as root needs the postgres user (created by Debian's postgresql package)"
      exit 1
    }
    chown postgres "$dir"
  fi
  port=$(free_port)
  as_server_user "$bindir/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log"
  # fsync off: a test cluster is thrown away, and durability costs the tests time for nothing.
  as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c full_page_writes=off" \
    start >&2
  echo "$bindir" >"$dir/bindir"
  as_server_user "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres orderbridge_test
  trap - ERR
  log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, folder $dir"
  echo "export ORDERBRIDGE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/orderbridge_test"
  echo "export ORDERBRIDGE_TEST_POSTGRES_DIR=$dir"
}

stop_dir() {
  local dir=$1 bindir=${2:-}
  [ -n "$bindir" ] || bindir=$(cat "$dir/bindir" 2>/dev/null || find_bindir || true)
  if [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 || true
  fi
  rm -rf "$dir"
}

stop() {
  local dir=${1:-${ORDERBRIDGE_TEST_POSTGRES_DIR:-}}
  [ -n "$dir" ] || {
    log "stop needs the folder: stop DIR, or ORDERBRIDGE_TEST_POSTGRES_DIR from start"
    exit 2
  }
  # Only ever remove a folder this script made.
  case "$(basename "$dir")" in
  orderbridge-pg.*) ;;
  *)
    log "refusing to remove $dir: not a folder made by test-postgres.sh start"
    exit 2
    ;;
  esac
  [ -d "$dir" ] || return 0
  stop_dir "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*) usage ;;
esac
