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


def floor_significant(value: float, sig: int = 3) -> float:
    """`value` rounded *down* to `sig` significant digits (6,353,764 -> 6,350,000): a largest
    achievable target that is still reachable and that prints exactly with `fmt_usd_significant`."""
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        return 0.0 if not math.isfinite(v) or v == 0 else v
    scale = 10 ** (math.floor(math.log10(v)) - sig + 1)
    return float(math.floor(v / scale + 1e-9) * scale)


def fmt_usd_significant(value: float | None, sig: int = 3) -> str:
    """US dollars to `sig` significant digits in the usual units: `$6.35m`, `$11.1m`, `$2.47bn`,
    `$125k`, so a figure rounded by `floor_significant` reads the same in a message and on a button."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    v = abs(float(value))
    for scale in (1e12, 1e9, 1e6, 1e3):
        if v >= scale:
            whole = len(str(int(v / scale)))
            return fmt_usd(value, digits=max(0, sig - whole))
    return fmt_usd(value)


def fmt_share(value: float | None, digits: int | None = None, missing: str = "n/a") -> str:
    """A share in [0, 1] as a percentage, the one percent rule of the CLI, the dashboard and the
    exports: `0.42 -> '42%'`, `0.004 -> '0.4%'` (one decimal below 1% unless `digits` is given), and
    a share that is not zero never reads as zero: where `digits` would round it to 0 it keeps one
    significant digit (`fmt_share(0.004, 0) -> '0.4%'`, `fmt_share(0.00004, 1) -> '0.004%'`).
    `missing` (default `n/a`) for NaN/None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    p = 100 * float(value)
    if digits is None:
        digits = 1 if 0 < abs(p) < 1 else 0
    if p and math.isfinite(p) and round(abs(p), digits) == 0:
        digits = max(digits, -math.floor(math.log10(abs(p))))
    return f"{p:.{digits}f}%"


def fmt_number(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{float(value):,.{digits}f}"


def cut_words(text: object, limit: int) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit` characters,
    and never inside an open parenthesis ('... (country.xlsx, Ap...' is cut before the parenthesis):
    the one way every table, header and slide shortens a text."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head and not text[limit - 1].isspace():
        head = head[: head.rfind(" ")]
    if head.count("(") > head.count(")"):
        head = head[: head.rfind("(")] or head
    return head.rstrip(" ,;:-(") + "\u2026"


def cell_text(value: object) -> str:
    """A table cell as text for evidence strings: '' for None/NaN, dates as YYYY-MM-DD, stripped."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()
