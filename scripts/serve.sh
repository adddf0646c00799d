#!/usr/bin/env bash
# The README's run command: install decontrol and start the dashboard on the shipped data.
# Extra arguments go to `decontrol serve` (e.g. --port 8060, --data DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/decontrol serve "$@"
