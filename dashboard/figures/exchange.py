"""Figures of the Gives and gets page: the balance of an exchange next to the reference exchanges,
and the exposure to the partner's measures that the US shares with allies. Pure builders."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import Provenance, empty_figure, with_provenance
from dashboard.theme import BLUE, GREEN, NAVY, ORANGE

M = 1e6
_MEMBER_COLORS = [NAVY, BLUE, GREEN, ORANGE, "#8e44ad", "#c0392b", "#7f8c8d"]


def balance_chart(rows: list[dict[str, Any]], prov: Provenance) -> go.Figure:
    """Grouped bars per exchange (the proposal first, then the references): what the US gives (the
    partner's gain) and what it gets, US$ m/yr; values on unsourced HS codes stacked on top, hatched."""
    if not rows:
        return empty_figure("No exchange to show: run the two-sided optimizer.")
    labels = [r["label"] + (f"<br><sup>{r['note']}</sup>" if r.get("note") else "") for r in rows]
    fig = go.Figure()
    for key, name, color, group in (
        ("gives", "US gives (partner's gain)", BLUE, "gives"),
        ("gets", "US gets (relief of partner measures)", GREEN, "gets"),
    ):
        base = [(r.get(key) or 0.0) / M for r in rows]
        fig.add_bar(
            x=labels,
            y=base,
            name=name,
            marker_color=color,
            offsetgroup=group,
            text=[f"${v:.1f}m" if v else "" for v in base],
            textposition="inside",
            hovertemplate="%{x}: $%{y:.2f}m/yr<extra>" + name + "</extra>",
        )
        extra = [(r.get(f"{key}_unsourced") or 0.0) / M for r in rows]
        if any(extra):
            fig.add_bar(
                x=labels,
                y=extra,
                base=base,
                name=f"{name.split(' (')[0]} on UNSOURCED HS codes",
                marker=dict(color="white", line=dict(color=color, width=1.5), pattern_shape="/", pattern_fgcolor=color),
                offsetgroup=group,
                hovertemplate="%{x}: $%{y:.2f}m/yr on unsourced codes<extra></extra>",
            )
    fig.update_layout(
        barmode="group",
        yaxis_title="US$ m per year",
        legend=dict(orientation="h", y=-0.3, yanchor="top", font=dict(size=10)),
        margin=dict(l=50, r=10, t=30, b=10),
    )
    return with_provenance(fig, prov)


def exposure_chart(frame: pd.DataFrame, prov: Provenance) -> go.Figure:
    """Imports from the partner in the codes of its measures, by item group and member (US$ m/yr);
    members without data are named in the legend, never drawn as 0."""
    if frame.empty:
        return empty_figure("No measure with published HS codes: nothing to measure.")
    measured = frame.dropna(subset=["imports_from_partner_usd"])
    if measured.empty:
        return empty_figure("No imports data for these members in the measures' codes.")
    groups = measured.groupby("item_group")["imports_from_partner_usd"].sum().sort_values().index.tolist()
    fig = go.Figure()
    for k, member in enumerate(dict.fromkeys(frame["member"])):
        sub = measured[measured["member"] == member]
        if sub.empty:
            fig.add_bar(x=[None], y=[groups[0]], name=f"{member}: no data", orientation="h", visible="legendonly")
            continue
        proxy = str(sub["basis"].iloc[0]).startswith("proxy")
        by = sub.groupby("item_group")["imports_from_partner_usd"].sum().reindex(groups) / M
        fig.add_bar(
            x=by.to_numpy(),
            y=groups,
            orientation="h",
            name=f"{member}{' (proxy)' if proxy else ''}",
            marker_color=_MEMBER_COLORS[k % len(_MEMBER_COLORS)],
            hovertemplate="%{y}: $%{x:.2f}m/yr<extra>" + member + "</extra>",
        )
    fig.update_layout(
        barmode="group",
        xaxis_title="imports from the partner in the codes, US$ m/yr",
        legend=dict(orientation="h", y=-0.16, yanchor="top", font=dict(size=10)),
        margin=dict(l=10, r=10, t=30, b=10),
    )
    fig.update_yaxes(automargin=True)
    return with_provenance(fig, prov)
