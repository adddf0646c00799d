#!/usr/bin/env bash
# The README's test command: install test dependencies (Debian's chromium for the browser tests, which
# Playwright drives, postgresql for the scenario-store tests, redis-server for the jobs-on-Celery tests,
# which start their own on a free loopback port; the Python test extras), run the gates
# (scripts/lint.sh: ruff, ruff format, mypy) and then the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null || need+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need[*]}; install them as root (apt-get install ${need[*]})" >&2
    exit 1
  fi
fi
bash scripts/install.sh test
bash scripts/lint.sh

# A throwaway PostgreSQL on loopback, so the scenario store is tested on both databases.
pgdir=$(mktemp -d /tmp/decontrol-pg.XXXXXX)
if url=$(bash scripts/test-postgres.sh start "$pgdir/pg" 2>/dev/null); then
  export DECONTROL_TEST_PG_URL="$url"
  trap 'bash scripts/test-postgres.sh stop "$pgdir/pg"; rm -rf "$pgdir"' EXIT
else
  echo "note: PostgreSQL could not be started; scenario-store tests run on SQLite only" >&2
fi
.venv/bin/python -m pytest "$@"
