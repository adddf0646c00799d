"""Shared fixtures. Test folders mirror the package folders (tests/optimizer/..., tests/dashboard/...)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory):
    """The on-disk caches (the rule reference of `--items` tables) in a directory of this run, never
    the user's ~/.cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("DECONTROL_CACHE_DIR", str(tmp_path_factory.mktemp("decontrol-cache")))
    yield
    mp.undo()


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


def _deck_text(deck) -> str:
    """Every text a reader of a deck sees: text boxes, table cells, chart series, categories and axis titles."""
    from pptx import Presentation

    prs = deck if hasattr(deck, "slides") else Presentation(str(deck))
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                ch = shape.chart
                parts += [s.name for s in ch.plots[0].series]
                parts += [str(c) for c in ch.plots[0].categories]
                parts += [ch.category_axis.axis_title.text_frame.text] if ch.category_axis.has_title else []
                parts += [ch.value_axis.axis_title.text_frame.text] if ch.value_axis.has_title else []
    return "\n".join(parts)


@pytest.fixture(scope="session")
def deck_text():
    """`deck_text(path or Presentation) -> str`: a deck's visible text, for content and leak checks."""
    return _deck_text
