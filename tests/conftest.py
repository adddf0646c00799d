"""Shared fixtures. Test folders mirror the package folders (tests/optimizer/..., tests/dashboard/...)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture()
def cli(capsys):
    """Run the `decontrol` CLI in-process: returns (exit_code, stdout, stderr)."""
    from dashboard.cli import register_serve
    from optimizer.cli import run

    def _run(*argv: str) -> tuple[int, str, str]:
        try:
            code = run(list(argv), extra=(register_serve,))
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        return code, out, err

    return _run
