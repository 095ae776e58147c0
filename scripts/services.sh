#!/usr/bin/env bash
# Installs (when missing) and starts the services the tests and the demo need, on loopback only:
# Redis on 127.0.0.1:6379 and PostgreSQL 15 on 127.0.0.1:5432 with role/database "podstage".
# Idempotent: running it again leaves running services alone.
# Usage: scripts/services.sh [start|stop|status|env]
set -euo pipefail

REDIS_PORT=${PODSTAGE_TEST_REDIS_PORT:-6379}
PG_PORT=${PODSTAGE_TEST_PG_PORT:-5432}
PG_USER=podstage
PG_PASSWORD=${PODSTAGE_TEST_DB_PASSWORD:-podstage}
PG_DB=podstage
STATE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/podstage/services

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

start_postgres() {
  [ -n "$(pg_version)" ] || apt_install postgresql
  local v; v=$(pg_version)
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
SQL
  log "postgres $v up on 127.0.0.1:$PG_PORT (database $PG_DB, role $PG_USER)"
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
