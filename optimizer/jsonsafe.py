"""One rule for turning results into JSON: NaN/inf become null, numpy scalars Python numbers."""

from __future__ import annotations

import math
from typing import Any


def json_safe(o: Any) -> Any:
    """A copy of `o` that `json.dumps(..., allow_nan=False)` accepts (dicts, lists, tuples walked)."""
    if isinstance(o, dict):
        return {k: json_safe(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [json_safe(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o
