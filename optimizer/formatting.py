"""Number formatting shared by the CLI, the dashboard and the briefing exports (one style everywhere)."""

from __future__ import annotations

import math


def fmt_usd(value: float | None, digits: int = 1) -> str:
    """US dollars the way a negotiator reads them: `$1.2bn`, `$350.0m`, `$12.5k`, `unknown` for NaN/None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    for scale, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if v >= scale:
            return f"{sign}${v / scale:,.{digits}f}{suffix}"
    return f"{sign}${v:,.0f}"


def fmt_share(value: float | None, digits: int | None = None) -> str:
    """A share in [0, 1] as a percentage: `0.42 -> '42%'`, `0.004 -> '0.4%'` (one decimal below 1%
    unless `digits` is given), `n/a` for NaN/None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    p = 100 * float(value)
    if digits is None:
        digits = 1 if 0 < abs(p) < 1 else 0
    return f"{p:.{digits}f}%"


def fmt_number(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{float(value):,.{digits}f}"


def cell_text(value: object) -> str:
    """A table cell as text for evidence strings: '' for None/NaN, dates as YYYY-MM-DD, stripped."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()
