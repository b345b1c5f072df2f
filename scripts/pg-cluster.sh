#!/usr/bin/env bash
# A local PostgreSQL for CI and the benchmarks: Debian's cluster "main" started, role and database zhiben.
#   scripts/pg-cluster.sh start   prints the DATABASE_URL; notes in data/pg-started when it started the cluster
#   scripts/pg-cluster.sh stop    stops the cluster again, only if `start` started it
# Needs root (pg_ctlcluster, runuser) and Debian's postgresql package; .ci/run installs it first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MARK=data/pg-started

pg_version() {
  find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null | awk -F/ '{print $5}' | sort -V | tail -n 1
}

case "${1:-}" in
start)
  PG_VERSION=$(pg_version)
  [ -n "$PG_VERSION" ] || { echo "no PostgreSQL server found under /usr/lib/postgresql" >&2; exit 1; }
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main"' | grep -q .; then
    echo "pg_createcluster $PG_VERSION main" >&2
    pg_createcluster "$PG_VERSION" main >/dev/null
  fi
  if ! pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1; then
    echo "pg_ctlcluster $PG_VERSION main start" >&2
    pg_ctlcluster "$PG_VERSION" main start >&2
    mkdir -p data && echo "$PG_VERSION main" >"$MARK"
  fi
  PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $3}')
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 1
  done
  pg_isready -h 127.0.0.1 -p "$PG_PORT" >&2
  # CREATEDB: pytest-django makes its test_ databases, the benchmarks their own
  runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres >&2 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zhiben') THEN
    CREATE ROLE zhiben LOGIN PASSWORD 'zhiben' CREATEDB;
  ELSE
    ALTER ROLE zhiben LOGIN PASSWORD 'zhiben' CREATEDB;
  END IF;
END
$$;
SELECT 'CREATE DATABASE zhiben OWNER zhiben' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'zhiben')
\gexec
SQL
  echo "postgres://zhiben:zhiben@127.0.0.1:${PG_PORT}/zhiben"
  ;;
stop)
  if [ -f "$MARK" ]; then
    # shellcheck disable=SC2046
    pg_ctlcluster $(cat "$MARK") stop >/dev/null 2>&1 || true
    rm -f "$MARK"
  fi
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
