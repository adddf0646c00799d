"""Figures of the Allies page: each coalition member's gain under the coalition and US-only packages."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.figures.common import Provenance, empty_figure, with_provenance
from dashboard.theme import NAVY, ORANGE, fmt_pct, fmt_usd


def member_gains_bars(gains: Sequence[dict], prov: Provenance) -> go.Figure:
    """Grouped bars: each member's gain as a share of its potential, coalition vs US-only.

    Shares, not dollars, because the max-min objective equalises shares: a US$ scale would hide a
    small ally behind the US. `gains`: dicts with `member`, `coalition_rel`, `us_only_rel`,
    `coalition_usd`, `us_only_usd` (as `dashboard.logic.allies.coalition_summary` gives them).
    """
    rows = [g for g in gains if g.get("coalition_rel") is not None or g.get("us_only_rel") is not None]
    if not rows:
        return empty_figure("No member has value at stake in the eligible items.", height=260)
    members = [g["member"] for g in rows]
    fig = go.Figure()
    for key, name, color in (("coalition", "Coalition package", NAVY), ("us_only", "US-only package", ORANGE)):
        shares = [(g.get(f"{key}_rel") or 0.0) * 100 for g in rows]
        fig.add_bar(
            x=members,
            y=shares,
            name=name,
            marker_color=color,
            customdata=[[fmt_pct(g.get(f"{key}_rel"), 1), fmt_usd(g.get(f"{key}_usd"))] for g in rows],
            hovertemplate="%{x}: %{customdata[0]} of its potential (%{customdata[1]} per year)"
            f"<extra>{name}</extra>",
        )
    fig.update_layout(
        barmode="group",
        height=260,
        margin=dict(l=50, r=10, t=30, b=70),
        yaxis=dict(title="Share of potential, %", range=[0, 105]),
        legend=dict(orientation="h", y=-0.3),
    )
    return with_provenance(fig, prov)
