# Shared settings and helpers for the real-NetBox test harness (sourced by start/stop/test).
# Everything mutable lives outside the repository, under $PROXBOX_CACHE_DIR.

NETBOX_VERSION="${NETBOX_VERSION:-4.7.3}"
# Newest netbox-proxbox on PyPI whose PluginConfig accepts NetBox 4.7.x (min 4.5.8, max 4.7.99).
NETBOX_PROXBOX_VERSION="${NETBOX_PROXBOX_VERSION:-0.0.29.post6}"

CACHE_DIR="${PROXBOX_CACHE_DIR:-$HOME/.cache/proxbox-api}"
VENV="$CACHE_DIR/netbox-$NETBOX_VERSION"
INSTANCE="$CACHE_DIR/netbox-instance"     # NETBOX_ROOT: conf/, media/, pid, log
ENV_FILE="$CACHE_DIR/netbox-run.env"
PID_FILE="$INSTANCE/gunicorn.pid"
LOG_FILE="$INSTANCE/netbox.log"

PG_HOST="${NETBOX_PG_HOST:-127.0.0.1}"
PG_PORT="${NETBOX_PG_PORT:-5432}"
PG_USER="${NETBOX_PG_USER:-postgres}"
DB_NAME="${NETBOX_DB_NAME:-proxbox_netbox_test}"

REDIS_HOST="${NETBOX_REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${NETBOX_REDIS_PORT:-6379}"
# Not db 0: other tools on this machine use the default database.
REDIS_DB_TASKS="${NETBOX_REDIS_DB_TASKS:-14}"
REDIS_DB_CACHE="${NETBOX_REDIS_DB_CACHE:-15}"

log() { printf '[netbox-harness] %s\n' "$*" >&2; }
die() { printf '[netbox-harness] ERROR: %s\n' "$*" >&2; exit 1; }

psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }

redis_flush() {
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB_TASKS" FLUSHDB >/dev/null 2>&1 || true
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB_CACHE" FLUSHDB >/dev/null 2>&1 || true
  fi
}

# Run a NetBox management command in the cached virtualenv. The argv[0] is manage.py so
# the plugin recognises one-shot commands and skips its startup push thread.
netbox_manage() { NETBOX_ROOT="$INSTANCE" "$VENV/bin/python" "$INSTANCE/manage.py" "$@"; }

# start, stop and test share one instance (database, Redis dbs, pid file), so they take one
# machine-wide lock; test holds it for the whole run and tells its children so.
harness_lock() {
  mkdir -p "$CACHE_DIR"
  [ -n "${PROXBOX_NETBOX_LOCK_HELD:-}" ] && return 0
  exec 8>"$CACHE_DIR/netbox-harness.lock"
  flock -w 3600 8 || die "another NetBox harness run still holds $CACHE_DIR/netbox-harness.lock"
  export PROXBOX_NETBOX_LOCK_HELD=1
}

# Stops the gunicorn master started by `start` (only that pid) and waits for it to exit.
stop_server() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true   # gunicorn: quick shutdown (TERM waits for slow workers)
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

drop_database() {
  psql_admin -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null
}
