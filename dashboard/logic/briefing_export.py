"""The briefing download: the deck (PPTX) or workbook (XLSX) that `decontrol brief` writes, for a
saved scenario, as bytes for `dcc.Download`. The audience is decided by the caller on the server
(an ally user always gets the ally audience, whatever the browser sends)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from optimizer.errors import DecontrolError

KINDS: dict[str, str] = {"pptx": "deck", "xlsx": "workbook"}


def file_name(name: str, kind: str, audience: str) -> str:
    """A safe download name, e.g. `China-2.5bn-ally.pptx`."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "scenario"
    return f"{stem}-{audience}.{kind}"


def briefing_bytes(
    inputs: dict[str, Any], data_dir: Path | None, kind: str, *, audience: str, marking: str = "", title: str = ""
) -> bytes:
    """Run the scenario's inputs and export its briefing as `kind` (pptx or xlsx). `title` is the
    scenario's name (an ally's: the shareable title): the deck names the option by it, and makes its
    own title from what the package offers."""
    if kind not in KINDS:
        raise DecontrolError(f"unknown briefing format '{kind}': expected pptx or xlsx")
    from optimizer.briefing import write_deck, write_workbook
    from optimizer.briefing.collect import collect_briefing
    from optimizer.scenarios.run import run_inputs

    run = run_inputs(inputs, data_dir)
    b = collect_briefing(
        run,
        data_dir=data_dir,
        audience=audience,
        marking=str(marking or "")[:120],
        option_name=str(title or "")[:120],
        inputs=inputs,
    )
    with tempfile.TemporaryDirectory(prefix="decontrol-brief-") as tmp:
        path = Path(tmp) / f"briefing.{kind}"
        (write_deck if kind == "pptx" else write_workbook)(b, path)
        return path.read_bytes()
