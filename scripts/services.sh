#!/usr/bin/env bash
# Installs (when missing) and starts the services the tests and the demo need, on loopback only:
# Redis on 127.0.0.1:6379 and PostgreSQL 15 on 127.0.0.1:5432 with role/database "podstage", where the
# pgvector extension is created (Debian 12 has no pgvector package: it is built from a pinned, checksummed
# source zip, see install_pgvector). Idempotent: running it again leaves running services alone.
# Usage: scripts/services.sh [start|stop|status|env]
set -euo pipefail

REDIS_PORT=${PODSTAGE_TEST_REDIS_PORT:-6379}
PG_PORT=${PODSTAGE_TEST_PG_PORT:-5432}
PG_USER=podstage
PG_PASSWORD=${PODSTAGE_TEST_DB_PASSWORD:-podstage}
PG_DB=podstage
STATE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/podstage/services
# pgvector comes from the Go module proxy (GitHub is not reachable from every machine that runs this): the
# proxy serves any GitHub repository's tag as a module zip, whose sha256 is pinned here. To move to another
# version: curl -fsSL https://proxy.golang.org/github.com/pgvector/pgvector/@v/list, read its CHANGELOG.md,
# and replace both lines (sha256sum of the new .zip).
PGVECTOR_VERSION=0.8.6
PGVECTOR_SHA256=6abdf1f3361b12827922cf6e5d6b52c4d645aa65819cf6e25ce1f4897664b421
PGVECTOR_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/podstage/pgvector

log() { echo "services: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
}

wait_for() { # wait_for <what> <command...>
  local what=$1; shift
  for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "$what did not come up"; return 1
}

start_redis() {
  apt_install redis-server
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  mkdir -p "$STATE_DIR"
  # No persistence: a test cache, flushed freely.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$STATE_DIR" --logfile "$STATE_DIR/redis.log" --pidfile "$STATE_DIR/redis.pid"
  wait_for redis redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
  log "redis up on 127.0.0.1:$REDIS_PORT"
}

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

# Builds pgvector $PGVECTOR_VERSION for PostgreSQL $1 and installs it, unless that version is installed already.
# Portable code (OPTFLAGS empty: no -march=native) and no JIT bitcode (with_llvm=no: no clang needed).
install_pgvector() {
  local v=$1 pg_config=/usr/lib/postgresql/$1/bin/pg_config
  local zip=$PGVECTOR_CACHE/pgvector-$PGVECTOR_VERSION.zip src=$PGVECTOR_CACHE/pgvector-$PGVECTOR_VERSION-pg$1
  if grep -qx "default_version = '$PGVECTOR_VERSION'" "/usr/share/postgresql/$v/extension/vector.control" 2>/dev/null \
    && [ -f "/usr/lib/postgresql/$v/lib/vector.so" ]; then return 0; fi
  apt_install "postgresql-server-dev-$v" gcc make libc6-dev unzip
  mkdir -p "$PGVECTOR_CACHE"
  if ! { [ -f "$zip" ] && echo "$PGVECTOR_SHA256  $zip" | sha256sum -c --quiet >/dev/null 2>&1; }; then
    log "downloading pgvector $PGVECTOR_VERSION"
    curl -fsSL --retry 3 -o "$zip.part" "https://proxy.golang.org/github.com/pgvector/pgvector/@v/v$PGVECTOR_VERSION.zip"
    echo "$PGVECTOR_SHA256  $zip.part" | sha256sum -c --quiet >/dev/null 2>&1 || {
      log "pgvector $PGVECTOR_VERSION: the download's sha256 is $(sha256sum "$zip.part" | cut -d' ' -f1), not $PGVECTOR_SHA256"
      rm -f "$zip.part"; return 1; }
    mv "$zip.part" "$zip"
  fi
  log "building pgvector $PGVECTOR_VERSION for PostgreSQL $v"
  rm -rf "$src" && mkdir -p "$src" && unzip -q "$zip" -d "$src"
  local dir=$src/github.com/pgvector/pgvector@v$PGVECTOR_VERSION
  make -s -C "$dir" -j"$(nproc)" PG_CONFIG="$pg_config" OPTFLAGS= with_llvm=no >"$src.log" 2>&1 \
    && as_root make -s -C "$dir" PG_CONFIG="$pg_config" OPTFLAGS= with_llvm=no install >>"$src.log" 2>&1 \
    || { tail -20 "$src.log" >&2; log "pgvector did not build or install (log: $src.log)"; return 1; }
  rm -rf "$src" "$src.log"
  log "pgvector $PGVECTOR_VERSION installed for PostgreSQL $v"
}

start_postgres() {
  [ -n "$(pg_version)" ] || apt_install postgresql
  local v; v=$(pg_version)
  # The server-dev package that pgvector's build needs can bring a newer minor release of the server with it:
  # a cluster already running the old binaries then fails to load the new libraries (plpgsql among them).
  local server; server=$(dpkg-query -W -f='${Version}' "postgresql-$v" 2>/dev/null || true)
  install_pgvector "$v"
  if [ "$server" != "$(dpkg-query -W -f='${Version}' "postgresql-$v" 2>/dev/null || true)" ] \
    && pg_lsclusters -h | awk -v v="$v" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "postgresql-$v was upgraded with pgvector's build dependencies: restarting the cluster"
    as_root pg_ctlcluster "$v" main restart
  fi
  if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$v/main"; then
    as_root pg_createcluster "$v" main --port "$PG_PORT" >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$v" '$1==v && $2=="main" {print $4}' | grep -q online; then
    as_root pg_ctlcluster "$v" main start
  fi
  wait_for postgres pg_isready -h 127.0.0.1 -p "$PG_PORT"
  as_root su postgres -c "psql -q -p $PG_PORT -v ON_ERROR_STOP=1" <<SQL >/dev/null
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
  log "postgres $v up on 127.0.0.1:$PG_PORT (database $PG_DB with pgvector $PGVECTOR_VERSION, role $PG_USER)"
}

print_env() {
  cat <<ENV
export PODSTAGE_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export PODSTAGE_TEST_DB_URL=postgresql://127.0.0.1:$PG_PORT/$PG_DB
export PODSTAGE_TEST_DB_USER=$PG_USER
export PODSTAGE_TEST_DB_PASSWORD=$PG_PASSWORD
ENV
}

case "${1:-start}" in
  start) start_redis; start_postgres ;;
  stop)
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    v=$(pg_version); [ -n "$v" ] && as_root pg_ctlcluster "$v" main stop 2>/dev/null || true ;;
  status)
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || echo "redis: down"
    pg_isready -h 127.0.0.1 -p "$PG_PORT" || true ;;
  env) print_env ;;
  *) echo "usage: $0 [start|stop|status|env]" >&2; exit 2 ;;
esac
