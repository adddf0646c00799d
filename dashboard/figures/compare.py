"""Figures of the Scenarios page: several scenarios' frontiers on one chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard.figures.common import Provenance, bn_axis, empty_figure, with_provenance
from dashboard.theme import BLUE, GREEN, NAVY, ORANGE, RED, fmt_usd

if TYPE_CHECKING:
    from optimizer.model.frontier import FrontierPoint

BN = 1e9
SERIES_COLORS: tuple[str, ...] = (NAVY, ORANGE, GREEN, BLUE, RED, "#8e44ad")


def frontiers_overlay(
    series: Mapping[str, Sequence[FrontierPoint]],
    prov: Provenance,
    audience: str = "internal",
    chosen: Mapping[str, dict] | None = None,
) -> go.Figure:
    """One line per scenario. Analysts see least risk against value; allies see value against the
    number of items (they never see risk). `series`: name -> frontier points (`achieved_usd`,
    `n_items` and, internal only, `risk`). `chosen`: name -> the scenario's saved package as a dict
    with those keys, drawn as a star in the scenario's colour (a frontier shows what was possible,
    the star what was chosen)."""
    fig = go.Figure()
    top = 0.0
    x: list[float]
    y: list[float | None]
    for i, (name, points) in enumerate(series.items()):
        if audience == "ally":
            pts = sorted((p for p in points if p.achieved_usd), key=lambda p: p.n_items)
            x, y = [p.n_items for p in pts], [_usd(p) / BN for p in pts]
            hover = "%{customdata} per year with %{x} items<extra>" + name + "</extra>"
        else:
            pts = sorted((p for p in points if p.achieved_usd and p.risk is not None), key=_usd)
            x, y = [_usd(p) / BN for p in pts], [p.risk for p in pts]
            hover = "%{customdata} per year · risk %{y:.2f}<extra>" + name + "</extra>"
        if pts:
            top = max([top, *(_usd(p) / BN for p in pts)])
            color = SERIES_COLORS[i % len(SERIES_COLORS)]
            fig.add_scatter(
                x=x,
                y=y,
                name=name,
                mode="lines+markers",
                hovertemplate=hover,
                customdata=[fmt_usd(p.achieved_usd) for p in pts],
                line=dict(color=color, width=1.5, shape="hv"),
                marker=dict(size=7, color=color),
            )
    for name, p in (chosen or {}).items():
        if name not in series:
            continue
        color = SERIES_COLORS[list(series).index(name) % len(SERIES_COLORS)]
        if audience == "ally":
            xy = (p.get("n_items"), p["achieved_usd"] / BN)
            hover = "chosen package: %{customdata} per year with %{x} items<extra>" + name + "</extra>"
        elif p.get("risk") is not None:
            xy = (p["achieved_usd"] / BN, p["risk"])
            hover = "chosen package: %{customdata} per year · risk %{y:.2f}<extra>" + name + "</extra>"
        else:
            continue
        top = max(top, p["achieved_usd"] / BN)
        fig.add_scatter(
            x=[xy[0]],
            y=[xy[1]],
            name=f"{name}: chosen package",
            mode="markers",
            hovertemplate=hover,
            customdata=[fmt_usd(p["achieved_usd"])],
            marker=dict(symbol="star", size=15, color=color, line=dict(color="white", width=1)),
            meta={"chosen": name},
        )
    if not fig.data:
        return empty_figure("Choose two or more saved scenarios to overlay their frontiers.", height=320)
    money = bn_axis(0.0, top, 5, title="Value unlocked per year, US$")
    if audience == "ally":
        fig.update_layout(xaxis_title="Items in the package", yaxis=money)
    else:
        fig.update_layout(xaxis=money, yaxis_title="Least total risk (risk points, analyst weights)")
    fig.update_layout(height=340, margin=dict(l=60, r=20, t=30, b=50), legend=dict(orientation="h", y=-0.25))
    return with_provenance(fig, prov)


def _usd(p: FrontierPoint) -> float:
    """A drawn point's achieved value (the points drawn are those that reached a package)."""
    return float(p.achieved_usd or 0.0)
