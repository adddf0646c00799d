#!/usr/bin/env bash
# The gates: ruff lint, ruff format (check only) and mypy (strict on optimizer/, see pyproject.toml).
# Runs every gate, prints each finding, and exits non-zero if any gate found something.
# `scripts/test.sh` runs it before the tests. To apply the fixers instead: scripts/lint.sh --fix
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON_VENV:-.venv/bin/python}
failed=()
if [ "${1:-}" = "--fix" ]; then
  "$PY" -m ruff check --fix . || failed+=("ruff check")
  "$PY" -m ruff format . || failed+=("ruff format")
else
  "$PY" -m ruff check . || failed+=("ruff check")
  # one line per file; `ruff format --diff` shows the changes
  "$PY" -m ruff format --check --output-format concise . || failed+=("ruff format (run: scripts/lint.sh --fix)")
fi
"$PY" -m mypy || failed+=("mypy")
if [ ${#failed[@]} -gt 0 ]; then
  printf 'gate failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "gates passed: ruff check, ruff format, mypy"
