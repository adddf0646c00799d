"""What every figure shares: the real/synthetic badge with its source on hover, and the empty state.

A negotiator must never mistake a synthetic HS6 estimate for a Census figure, so each builder ends
with `with_provenance(fig, prov)`: a coloured badge in the top-right corner whose hover text names
the source. The badge is part of the figure, so it survives screenshots and PNG exports.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.theme import EVENT_COLORS, NAVY, PROVENANCE_HEX, TEMPLATE_NAME
from optimizer.sources import source_url

Kind = Literal["real", "synthetic", "mixed", "analyst"]

_LABELS: dict[str, str] = {
    "real": "REAL DATA",
    "synthetic": "SYNTHETIC",
    "mixed": "REAL + SYNTHETIC",
    "analyst": "ANALYST ESTIMATE",
}


@dataclass(frozen=True)
class Provenance:
    """Whether the numbers behind a view are real, and where they come from (shown on hover)."""

    kind: Kind
    source: str

    def __post_init__(self) -> None:
        if self.kind not in _LABELS:
            raise ValueError(f"unknown provenance kind {self.kind!r}")

    @property
    def label(self) -> str:
        return _LABELS[self.kind]

    @staticmethod
    def combine(*parts: Provenance) -> Provenance:
        """A figure computed from several inputs is as weak as its weakest: any synthetic input makes
        it synthetic, else any analyst input makes it an analyst estimate. Sources listed once each."""
        kinds = {p.kind for p in parts}
        kind: Kind = next(k for k in ("synthetic", "mixed", "analyst", "real") if k in kinds)
        sources: list[str] = []
        for p in parts:
            if p.source not in sources:
                sources.append(p.source)
        return Provenance(kind, " + ".join(sources))


def _wrap(text: str, width: int = 70) -> str:
    """Break a long source note into hover-sized lines (plotly hover text takes `<br>`)."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines)


@functools.cache
def _template_json() -> dict[str, Any]:
    return pio.templates[TEMPLATE_NAME].to_plotly_json()


def apply_template(fig: go.Figure) -> go.Figure:
    """Give `fig` the shared template. `update_layout(template=...)` re-validates the whole template
    (about 50 ms a figure, a good part of a page's first callbacks); it was validated once when
    registered (`dashboard.theme`), so it is set here as its (copied) JSON without plotly's checks.
    The figure's other properties are validated as usual."""
    layout = fig.layout
    validate = layout._validate
    layout._validate = False
    try:
        layout.template = copy.deepcopy(_template_json())
    finally:
        layout._validate = validate
    return fig


def with_provenance(fig: go.Figure, prov: Provenance) -> go.Figure:
    """Add the provenance badge (top right, source on hover) and the shared template to `fig`; a
    REAL badge whose source has a known address links to it (`optimizer.sources.source_url`)."""
    apply_template(fig)
    url = source_url(prov.source) if prov.kind == "real" else None
    label = f"<b>{prov.label}</b>"
    if url:
        label = f'<a href="{url}" target="_blank" style="color:white">{label}</a>'
    fig.add_annotation(
        text=label,
        xref="paper",
        yref="paper",
        x=1,
        y=1.0,
        xanchor="right",
        yanchor="bottom",
        yshift=6,
        showarrow=False,
        font=dict(color="white", size=10),
        bgcolor=PROVENANCE_HEX[prov.kind],
        borderpad=3,
        hovertext=_wrap(f"Source: {prov.source}"),
        name="provenance",
    )
    fig.update_layout(meta={"provenance": prov.kind, "source": prov.source})
    return fig


def fractional_year(dates: pd.Series) -> pd.Series:
    """Dates as years with a fraction (2023-07-02 -> 2023.5), to place them on a by-year axis."""
    d = pd.to_datetime(dates)
    return d.dt.year + (d.dt.day_of_year - 1) / 365.0


def _event_refs(event: dict) -> str:
    """The CCL entries an event names and its source, as hover lines: a reader checks the rule
    behind a marker without leaving the chart."""
    lines = []
    eccns = [c for c in str(event.get("eccns") or "").split(";") if c.strip()]
    if eccns:
        lines.append("CCL entries: " + ", ".join(eccns))
    if str(event.get("source") or "").strip():
        lines.append("Source: " + str(event["source"]))
    return "".join("<br><i>" + line + "</i>" for line in lines)


def events_naming(events: pd.DataFrame, eccn: str) -> pd.Series:
    """Which events itemise `eccn` in their `eccns` column (';'-separated; a split item such as
    "2B001-rest" is its ECCN)."""
    base = str(eccn or "").split("-", 1)[0].strip().upper()
    if "eccns" not in events.columns or not base:
        return pd.Series(False, index=events.index)
    return events["eccns"].map(lambda cell: base in {c.strip().upper() for c in str(cell or "").split(";")})


def draw_policy_events(
    fig: go.Figure, events: pd.DataFrame | None, x_lo: float, top: float, eccn: str | None = None
) -> float | None:
    """The partner's policy events on a by-year chart: a dotted line per event across the plot and a
    marker at height `top` (colour by kind, `theme.EVENT_COLORS`; hover: date, title, summary, the
    CCL entries and the source it names). Events before `x_lo` are dropped. With `eccn`, the events
    whose rule names that item get a solid line and a star of their own legend entry: on an item's
    chart, the rule that moved its trade is what the reader looks for.

    `events`: date, title, summary, kind (eccns, source optional), already the partner's. Returns the
    latest event's position (the caller stretches its axis to reach it), None when none is drawn."""
    if events is None or events.empty:
        return None
    ev = events.assign(x=fractional_year(events["date"]))
    ev = ev[ev["x"] >= x_lo]
    if ev.empty:
        return None
    named = events_naming(ev, eccn) if eccn else pd.Series(False, index=ev.index)
    fig.update_layout(
        shapes=[  # one update: add_shape per event re-validates the layout each time
            dict(
                type="line",
                x0=x,
                x1=x,
                yref="paper",
                y0=0,
                y1=1,
                layer="below",
                line=dict(color=EVENT_COLORS.get(k, NAVY), width=2.5 if own else 1, dash="solid" if own else "dot"),
            )
            for x, k, own in zip(ev["x"], ev["kind"], named)
        ]
    )
    base = str(eccn or "").split("-", 1)[0].upper()
    for part, label, symbol, size in (
        (ev[~named], "Policy events", "triangle-down", 10),
        (ev[named], f"Events naming {base}", "star", 16),
    ):
        if part.empty:
            continue
        fig.add_scatter(
            x=part["x"],
            y=[top] * len(part),
            mode="markers",
            name=label,
            marker=dict(
                symbol=symbol,
                size=size,
                color=[EVENT_COLORS.get(k, NAVY) for k in part["kind"]],
                line=dict(color="#2c3e50", width=1) if symbol == "star" else None,
            ),
            customdata=list(
                zip(
                    pd.to_datetime(part["date"]).dt.strftime("%Y-%m-%d"),
                    part["title"],
                    part["summary"].fillna(""),
                    [_event_refs(row) for row in part.to_dict("records")],
                )
            ),
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}%{customdata[3]}<extra></extra>",
        )
    return float(ev["x"].max())


def empty_figure(message: str, height: int | None = None) -> go.Figure:
    """A blank figure that says why it is blank (no data for this partner/year, nothing selected)."""
    fig = apply_template(go.Figure())
    fig.update_layout(
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        annotations=[
            dict(
                text=message,
                xref="paper",
                yref="paper",
                x=0.5,
                y=0.5,
                showarrow=False,
                font=dict(size=13, color="#7b8a8b"),
            )
        ],
        margin=dict(l=10, r=10, t=10, b=10),
        meta={"empty": True},
    )
    if height:
        fig.update_layout(height=height)
    return fig


def is_empty_figure(fig: Any) -> bool:
    """Whether `fig` is an `empty_figure` (a message, no data)."""
    meta = getattr(getattr(fig, "layout", None), "meta", None)
    return isinstance(meta, dict) and meta.get("empty") is True


def empty_figure_message(fig: Any) -> str:
    """The message of an `empty_figure`."""
    notes = fig.layout.annotations
    return str(notes[0].text) if notes else ""


def badge_of(fig: go.Figure) -> str | None:
    """The provenance kind a figure carries (tests and exports check it)."""
    meta = fig.layout.meta
    return meta.get("provenance") if isinstance(meta, dict) else None


def nice_step(span: float, target_ticks: int = 5) -> float:
    """A 1-2-2.5-5 x 10^k step giving about `target_ticks` ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / max(target_ticks, 1)
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def bn_axis(lo: float, hi: float, target_ticks: int = 5, title: str = "US$") -> dict:
    """Axis settings for values plotted in US$ bn: ticks labelled at their true values in the unit
    the range calls for (`$2.5bn`, `-$400bn`, `$0`; `$2.5m` for a $6m package), and the unit in the
    title (`US$ bn`, `US$ m`).

    Plotly's `tickprefix` would print `$-200bn`, and fixed decimals printed a tick at 2.5 as `$2bn`;
    explicit tick text keeps one money style and every digit a tick needs.
    """
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    step = nice_step(hi - lo, target_ticks)
    first = math.floor(lo / step) * step
    ticks = []
    v = first
    while v <= hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    text, unit = money_ticks(ticks)
    return {"tickvals": ticks, "ticktext": text, "title": {"text": f"{title} {unit}".strip()}}


def money_ticks(ticks_bn: Sequence[float]) -> tuple[list[str], str]:
    """Labels for ticks given in US$ bn, and their unit: billions down to US$50m (as `theme.fmt_bn`),
    then millions or thousands; as many decimals as the ticks need to read at their true values."""
    top = max((abs(t) for t in ticks_bn), default=0.0) * 1e9
    scale, unit = next(
        ((sc, u) for sc, u in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")) if top >= (5e7 if u == "bn" else sc)),
        (1.0, ""),
    )
    values = [t * 1e9 / scale for t in ticks_bn]
    digits = next((d for d in range(7) if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in values)), 6)
    return (["$0" if v == 0 else f"{'-' if v < 0 else ''}${abs(v):,.{digits}f}{unit}" for v in values], unit)
