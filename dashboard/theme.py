"""The dashboard's one theme: tier and provenance colours, the plotly template, number formats.

Every page and figure takes its colours and number formats from here so that a tier, a badge or a
dollar figure looks the same wherever a negotiator meets it. The palette follows the Bootswatch
Flatly stylesheet shipped in `dashboard/assets/`.
"""

from __future__ import annotations

import math
from typing import Final

import plotly.graph_objects as go
import plotly.io as pio

from optimizer.formatting import cut_words, fmt_share
from optimizer.formatting import fmt_usd as _fmt_usd
from optimizer.vocabulary import TIERS

#: Flatly's palette (see assets/00-bootstrap-flatly.min.css).
NAVY: Final = "#2c3e50"
GREEN: Final = "#18bc9c"
BLUE: Final = "#3498db"
ORANGE: Final = "#f39c12"
RED: Final = "#e74c3c"
GREY: Final = "#95a5a6"
LIGHT: Final = "#ecf0f1"

#: Tier colours: foundational never moves (red), transactional is leverage (amber), legacy is a candidate (green).
TIER_COLORS: Final[dict[str, str]] = {
    "foundational": "#c0392b",
    "transactional": "#e67e22",
    "legacy": "#16a085",
    "nlr": "#7f8c8d",
    "unmapped": GREY,
}
#: How a tier reads on screen (legends, tables).
TIER_LABELS: Final[dict[str, str]] = {
    "foundational": "Foundational",
    "transactional": "Transactional",
    "legacy": "Legacy",
    "nlr": "No licence required",
    "all mapped codes": "All mapped codes",
}
#: `nlr`: no licence required to the partner (nothing to relieve), shown last.
TIER_ORDER: Final[tuple[str, ...]] = TIERS  # optimizer.vocabulary, strictest first

#: Bootstrap colour names for the provenance badge of a figure or number.
PROVENANCE_BADGE: Final[dict[str, str]] = {
    "real": "success",
    "synthetic": "warning",
    "mixed": "info",
    "analyst": "secondary",
}
PROVENANCE_HEX: Final[dict[str, str]] = {
    "real": "#18bc9c",
    "synthetic": "#f39c12",
    "mixed": "#3498db",
    "analyst": "#7b8a8b",
}

FLOW_COLORS: Final[dict[str, str]] = {"exports": BLUE, "imports": NAVY, "balance": ORANGE}
#: Policy-event markers by kind (datasets/events.csv), as the Trade page draws them.
EVENT_COLORS: Final[dict[str, str]] = {
    "us_control": "#c0392b",
    "china_control": "#8e44ad",
    "tariff": "#d35400",
    "talks": "#16a085",
    "licensing": "#2980b9",
}
MODE_COLORS: Final[dict[str, str]] = {
    "lift": "#16a085",
    "exception": BLUE,
    "approval": "#8e44ad",
    "meu_removal": "#c0392b",
}

FONT_FAMILY: Final = (
    'Lato, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif'
)

TEMPLATE_NAME: Final = "decontrol"


def _register_template() -> None:
    """A light plotly template matching the Bootstrap theme; registered once on import."""
    if TEMPLATE_NAME in pio.templates:
        return
    base = pio.templates["plotly_white"]
    template = go.layout.Template(base)
    template.layout.update(
        font=dict(family=FONT_FAMILY, size=12, color=NAVY),
        colorway=[BLUE, NAVY, GREEN, ORANGE, RED, "#8e44ad", GREY, "#d35400"],
        margin=dict(l=48, r=16, t=40, b=40),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=12)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        title=dict(font=dict(size=14), x=0, xanchor="left"),
    )
    pio.templates[TEMPLATE_NAME] = template


_register_template()


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_usd(value: float | int | None, digits: int = 1, missing: str = "n/a") -> str:
    """`1.2e9 -> '$1.2bn'`, `None/NaN -> 'n/a'`: the shared money format of `optimizer.formatting`."""
    if _is_missing(value):
        return missing
    return _fmt_usd(float(value), digits)  # type: ignore[arg-type]


def fmt_bn(value: float | int | None, digits: int = 1, missing: str = "n/a") -> str:
    """In billions (`3.25e9 -> '$3.2bn'`, `4e8 -> '$0.4bn'`) for targets and package totals, so they
    compare at a glance; below US$50m, where billions would read '$0.0bn', in millions (`6.3e6 -> '$6.3m'`)."""
    if _is_missing(value):
        return missing
    v = float(value)  # type: ignore[arg-type]
    if 0 < abs(v) < 5e7:
        return fmt_usd(v)
    sign = "-" if v < 0 else ""
    return f"{sign}${abs(v) / 1e9:,.{digits}f}bn"


#: A 0-1 share as a percentage (`0.734 -> '73%'`, `0.004 -> '0.4%'`): `optimizer.formatting.fmt_share`,
#: the one percent rule (a share that is not zero keeps a significant digit).
fmt_pct = fmt_share


def fmt_score(value: float | None, digits: int = 2, missing: str = "n/a") -> str:
    """A 0-1 score (FA, risk) with fixed decimals."""
    if _is_missing(value):
        return missing
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def fmt_count(n: int, noun: str, plural: str | None = None) -> str:
    """`fmt_count(1, 'item') -> '1 item'`, `fmt_count(3, 'item') -> '3 items'`."""
    word = noun if n == 1 else (plural or noun + "s")
    return f"{n:,} {word}"


def fmt_years(years: list[int] | tuple[int, ...]) -> str:
    """`[2018] -> '2018'`, `[2015, 2024] -> '2015–2024'` (first and last year)."""
    ys = sorted(int(y) for y in years)
    if not ys:
        return "no years"
    return str(ys[0]) if ys[0] == ys[-1] else f"{ys[0]}–{ys[-1]}"


def truncate(text: str, n: int) -> str:
    """At most `n` characters, cut at a word with an ellipsis (table cells; the full text goes in a title)."""
    return cut_words(text, n)
