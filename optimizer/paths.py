"""Where decontrol finds its shipped data and keeps its user state."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root, in a checkout (an editable install).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Where a wheel puts the shipped data: inside the package, as `optimizer/_datasets` (pyproject.toml maps
#: `datasets/` there). A checkout has no such folder and reads `datasets/` beside the packages.
PACKAGED_DATA_DIR = Path(__file__).resolve().parent / "_datasets"

#: The shipped, committed datasets (`datasets/`). `--data DIR` overlays a directory on top.
SHIPPED_DATA_DIR = PACKAGED_DATA_DIR if PACKAGED_DATA_DIR.is_dir() else PROJECT_ROOT / "datasets"


def default_data_dir() -> Path:
    """`$DECONTROL_DATA` if set, else the shipped `datasets/`."""
    env = os.environ.get("DECONTROL_DATA")
    return Path(env) if env else SHIPPED_DATA_DIR


def user_home() -> Path:
    """Per-user state (scenario database): `$DECONTROL_HOME` or `~/.local/share/decontrol`."""
    env = os.environ.get("DECONTROL_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "decontrol"
