#!/usr/bin/env bash
# The README's test command: install test dependencies (Debian's chromium + chromium-driver for the
# browser tests, the Python test extras) and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "chromium and chromium-driver are missing; install them as root (apt-get install chromium chromium-driver)" >&2
    exit 1
  fi
fi
bash scripts/install.sh test
exec .venv/bin/python -m pytest "$@"
