"""Short human-readable numbers for evidence strings and the CLI table ($1.2bn, 24%)."""

from __future__ import annotations

import math


def fmt_usd(v: float | None) -> str:
    """1.23e9 -> '$1.2bn', 4.5e6 -> '$4.5m', 1200 -> '$1.2k', NaN -> 'unknown'."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "unknown"
    a = abs(float(v))
    sign = "-" if v < 0 else ""
    for div, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if a >= div:
            return f"{sign}${a / div:.1f}{unit}"
    return f"{sign}${a:.0f}"


def fmt_share(v: float | None) -> str:
    """0.243 -> '24%', 0.004 -> '0.4%', NaN -> 'n/a'."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    p = 100 * float(v)
    return f"{p:.1f}%" if 0 < abs(p) < 1 else f"{p:.0f}%"
