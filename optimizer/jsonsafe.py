"""JSON in and out: results made JSON-safe (NaN/inf -> null, numpy scalars -> Python numbers),
and JSON files read with messages a user can act on."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any


def json_safe(o: Any) -> Any:
    """A copy of `o` that `json.dumps(..., allow_nan=False)` accepts (dicts, lists, tuples walked)."""
    kind = type(o)
    if kind is float:  # the common cases first, by exact type (a result holds thousands of numbers)
        return o if math.isfinite(o) else None
    if kind in _PLAIN:
        return o
    if isinstance(o, dict):
        return {k: json_safe(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [json_safe(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


_PLAIN = frozenset({str, int, bool, type(None)})


def read_json_file(path: Path | str, what: str = "file") -> Any:
    """Decode a UTF-8 JSON file (BOM tolerated); DecontrolError naming the file and the position of
    a syntax error, so a mistyped file never surfaces as a traceback."""
    from optimizer.errors import DecontrolError

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DecontrolError(f"no such {what}: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DecontrolError(f"cannot read {what} {path}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DecontrolError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
