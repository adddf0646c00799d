#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the scenario-store tests (Debian's postgresql).
# Usage: scripts/test-postgres.sh start DIR   -> prints the SQLAlchemy URL
#        scripts/test-postgres.sh stop DIR
set -euo pipefail
cmd=$1; dir=$2; port=${DECONTROL_TEST_PG_PORT:-55432}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] || { echo "postgresql is not installed" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case $cmd in
  start)
    mkdir -p "$dir"; chmod o+x "$(dirname "$dir")"; if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_pg "$pgbin/initdb -D '$dir/data' -A trust -U postgres" >/dev/null
    as_pg "$pgbin/pg_ctl -D '$dir/data' -l '$dir/log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1\" start" >/dev/null
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres" ;;
  stop)
    as_pg "$pgbin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null || true
    rm -rf "$dir" ;;
esac
