"""Figures of an item's trade evidence: its trade over time with the partner's policy events, and
potential against actual US exports (per item for the control list, per HS code for one item).

Pure functions from the frames of `optimizer.evidence`; money in US$ (hover text preformatted by
`theme.fmt_usd`), shares in percent. Each figure carries the provenance badge of its inputs.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import Provenance, draw_policy_events, empty_figure, with_provenance
from dashboard.theme import BLUE, GREEN, NAVY, ORANGE, fmt_pct, fmt_usd

ALL_CODES = "all"
PER_CODE_LINES = 8  # per-code lines beyond this many codes would be noise: the total alone is drawn


def item_series_figure(
    series: pd.DataFrame, events: pd.DataFrame, eccn: str, partner_name: str, prov: Provenance
) -> go.Figure:
    """US exports to the partner of the item's mapped codes (bars, per code in the legend), the US
    share of the partner's imports of them and the US share of world exports (lines, right axis), by
    year; the partner's policy events as dotted lines with a marker (hover: date, title, summary), those
    whose `eccns` name this item as solid lines with a star ("Events naming 2A290").

    `series`: `optimizer.evidence.item_series` (hs6 == "all" for the total). `events`: date, title,
    summary, kind, already the partner's. Events after the last trade year stretch the axis.
    """
    total = series[series["hs6"] == ALL_CODES].sort_values("year")
    if total.empty:
        return empty_figure(f"No HS codes mapped to {eccn}: its trade cannot be followed over time.", height=300)
    fig = go.Figure()
    fig.add_bar(
        x=total["year"],
        y=total["us_exports_to_partner"],
        name="US exports, all mapped codes",
        marker_color=BLUE,
        opacity=0.8,
        customdata=[fmt_usd(v) for v in total["us_exports_to_partner"]],
        hovertemplate="%{x}: US exports to " + partner_name + " %{customdata}<extra></extra>",
    )
    codes = [c for c in series["hs6"].unique() if c != ALL_CODES]
    if 1 < len(codes) <= PER_CODE_LINES:
        for code in codes:
            c = series[series["hs6"] == code].sort_values("year")
            fig.add_scatter(
                x=c["year"],
                y=c["us_exports_to_partner"],
                name=f"US exports, HS {code}",
                mode="lines+markers",
                visible="legendonly",  # one click in the legend shows a code's own line
                line=dict(width=1.5, dash="dot"),
                customdata=[fmt_usd(v) for v in c["us_exports_to_partner"]],
                hovertemplate="%{x}: HS " + code + " %{customdata}<extra></extra>",
            )
    fig.add_scatter(
        x=total["year"],
        y=total["us_share_of_partner_imports"],
        name=f"US share of {partner_name}'s imports",
        mode="lines+markers",
        yaxis="y2",
        line=dict(color=NAVY, width=2.5),
        customdata=[fmt_pct(v, 1) for v in total["us_share_of_partner_imports"]],
        hovertemplate="%{x}: %{customdata} of " + partner_name + "'s imports of these codes<extra></extra>",
    )
    fig.add_scatter(
        x=total["year"],
        y=total["us_world_share"],
        name="US share of world exports",
        mode="lines",
        yaxis="y2",
        line=dict(color=GREEN, width=2, dash="dash"),
        customdata=[fmt_pct(v, 1) for v in total["us_world_share"]],
        hovertemplate="%{x}: US %{customdata} of world exports of these codes<extra></extra>",
    )
    x_lo, x_hi = float(total["year"].min()) - 0.5, float(total["year"].max()) + 0.5
    top = float(total["us_exports_to_partner"].max() or 1.0) * 1.08
    last = draw_policy_events(fig, events, x_lo, top, eccn)
    if last is not None:
        x_hi = max(x_hi, last + 0.15)
    fig.update_layout(
        title=f"{eccn}: US trade with {partner_name} in the mapped HS codes",
        height=300,
        hovermode="closest",
        xaxis=dict(dtick=1, tickformat="d", range=[x_lo, x_hi]),
        yaxis=dict(title="US$ per year", rangemode="tozero", tickprefix="$"),
        yaxis2=dict(title="share", overlaying="y", side="right", tickformat=".0%", rangemode="tozero", showgrid=False),
        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0),
        margin=dict(l=56, r=48, t=36, b=72),
    )
    return with_provenance(fig, prov)


def potential_figure(rows: pd.DataFrame, title: str, label_col: str, prov: Provenance, top: int = 15) -> go.Figure:
    """Potential against actual US exports (and the value a licence blocks, where given) as grouped
    horizontal bars, the `top` rows by potential; `label_col` names each bar group (ECCN or HS code).

    `rows`: label_col, potential_usd, actual_usd and optionally value_usd (see `optimizer.evidence.potential`).
    """
    r = rows[rows["potential_usd"].fillna(0) + rows["actual_usd"].fillna(0) > 0].head(top).iloc[::-1]
    if r.empty:
        return empty_figure("No trade on the mapped HS codes: no potential to set against actual exports.", height=280)
    series = [
        ("potential_usd", "Potential (partner imports x US world share)", GREEN),
        ("actual_usd", "Actual US exports", BLUE),
    ]
    if "value_usd" in r.columns:
        series.append(("value_usd", "Blocked by a licence (concession value)", ORANGE))
    fig = go.Figure()
    for col, name, color in series:
        fig.add_bar(
            x=r[col],
            y=r[label_col].astype(str),
            orientation="h",
            name=name,
            marker_color=color,
            customdata=[fmt_usd(v, missing="unknown") for v in r[col]],
            hovertemplate="%{y}: " + name.split(" (")[0].lower() + " %{customdata}<extra></extra>",
        )
    fig.update_layout(
        title=title,
        barmode="group",
        height=max(260, 110 + 26 * len(r)),
        xaxis=dict(title="US$ per year (controlled share of each code)", rangemode="tozero", tickprefix="$"),
        yaxis=dict(categoryorder="array", categoryarray=list(r[label_col].astype(str)), type="category"),
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.0, x=0),
        margin=dict(l=90, r=16, t=36, b=96),
    )
    return with_provenance(fig, prov)
