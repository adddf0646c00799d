#!/usr/bin/env bash
# Create .venv (Python >= 3.11) and install decontrol into it in editable mode.
# Usage: scripts/install.sh [extras]   e.g. scripts/install.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    # Debian's system Python ships venv separately.
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    rm -rf .venv && "$PY" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
target="."
if [ -n "${1:-}" ]; then target=".[$1]"; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$target"
