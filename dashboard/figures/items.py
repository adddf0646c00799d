"""Figures of the Control list's item panel: who supplies the item's HS codes."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import Provenance, empty_figure, with_provenance
from dashboard.theme import BLUE, GREEN, NAVY, RED, fmt_pct, fmt_usd

#: Supplier roles as `optimizer.estimation.explain_item` names them; non-regime supply is what makes
#: an item foreign-available, so it gets the eye-catching colour.
ROLE_COLORS: dict[str, str] = {"US": NAVY, "partner": RED, "regime member": BLUE, "non-regime": GREEN}


def top_suppliers(suppliers: pd.DataFrame, partner_name: str, year: int, prov: Provenance, top: int = 10) -> go.Figure:
    """World exports of the item's HS codes (weighted by controlled share) by exporter, top `top`.

    `suppliers`: exporter, value_usd, share, role (US, partner, regime member, non-regime).
    """
    s = suppliers[suppliers["value_usd"] > 0].nlargest(top, "value_usd").iloc[::-1]
    if s.empty:
        return empty_figure(
            "No world exports on this item's HS codes: foreign availability cannot be measured.", height=260
        )
    fig = go.Figure()
    for role, color in ROLE_COLORS.items():
        d = s[s["role"] == role]
        if d.empty:
            continue
        fig.add_bar(
            x=d["share"],
            y=d["exporter"],
            orientation="h",
            name=role,
            marker_color=color,
            customdata=list(zip([fmt_usd(v) for v in d["value_usd"]], [fmt_pct(v, 1) for v in d["share"]])),
            hovertemplate="%{y} (" + role + "): %{customdata[0]}, %{customdata[1]} of world exports<extra></extra>",
        )
    fig.update_layout(
        title=f"Who supplies the mapped HS codes, {year} (partner: {partner_name})",
        height=260,
        barmode="overlay",
        xaxis=dict(tickformat=".0%", title="share of world exports"),
        yaxis=dict(categoryorder="array", categoryarray=list(s["exporter"])),
        legend=dict(orientation="h", yanchor="top", y=-0.25, x=0),
        margin=dict(l=48, r=12, t=36, b=64),
    )
    return with_provenance(fig, prov)
