"""The headline numbers on the shipped data equal the pinned ones (`tests/golden/headline.json`).

A change that moves one fails here on purpose: rerun `.venv/bin/python scripts/golden.py --write`
and say in the commit why the number moved."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _golden_module():
    spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_headline_numbers_are_the_pinned_ones():
    golden = _golden_module()
    pinned = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(golden.headline(), sort_keys=True))
    assert now == pinned, (
        "headline numbers moved: rerun `.venv/bin/python scripts/golden.py --write` and state the reason in the commit"
    )
