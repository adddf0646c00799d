"""Figures of the Trade page: totals over time with policy events, composition, controlled trade.

Pure functions from tidy frames to `go.Figure`; money is plotted in US$ billions with hover text
preformatted by `theme.fmt_usd`, so axis and hover speak the negotiator's units.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import Provenance, bn_axis, draw_policy_events, empty_figure, with_provenance
from dashboard.theme import FLOW_COLORS, TIER_COLORS, TIER_LABELS, TIER_ORDER, fmt_pct, fmt_usd
from optimizer.formatting import cut_words

BN = 1e9


def totals_series(totals: pd.DataFrame, events: pd.DataFrame, partner_name: str, prov: Provenance) -> go.Figure:
    """US exports and imports (lines) and the balance (bars) by year, policy events as markers.

    `totals`: year, exports_usd, imports_usd, balance_usd. `events`: date, title, summary, kind;
    events before the first plotted year are dropped; later ones stretch the year axis to reach
    them (the caller chooses which events concern the partner and the years).
    """
    if totals.empty:
        return empty_figure(f"No trade totals for {partner_name} in these years.")
    t = totals.sort_values("year")
    fig = go.Figure()
    fig.add_bar(
        x=t["year"],
        y=t["balance_usd"] / BN,
        name="Balance",
        marker_color=FLOW_COLORS["balance"],
        opacity=0.55,
        customdata=[fmt_usd(v) for v in t["balance_usd"]],
        hovertemplate="%{x}: balance %{customdata}<extra></extra>",
    )
    for col, name in (("exports_usd", "US exports"), ("imports_usd", "US imports")):
        flow = "exports" if col.startswith("exports") else "imports"
        fig.add_scatter(
            x=t["year"],
            y=t[col] / BN,
            name=name,
            mode="lines+markers",
            line=dict(color=FLOW_COLORS[flow], width=2.5),
            customdata=[fmt_usd(v) for v in t[col]],
            hovertemplate=f"%{{x}}: {name.lower()} %{{customdata}}<extra></extra>",
        )
    y_lo, y_hi = t[["balance_usd"]].min().min() / BN, t[["exports_usd", "imports_usd"]].max().max() / BN
    y_lo = min(0.0, y_lo)
    x_hi = float(t["year"].max()) + 0.5
    last = draw_policy_events(fig, events, float(t["year"].min()) - 0.5, y_hi * 1.08)
    if last is not None:
        x_hi = max(x_hi, last + 0.15)
    fig.update_layout(
        title=f"US goods trade with {partner_name}, US$ billion per year",
        barmode="overlay",
        hovermode="closest",
        height=330,
        yaxis=dict(**bn_axis(y_lo, y_hi * 1.08), zeroline=True, zerolinecolor="#bbb"),
        xaxis=dict(dtick=1, tickformat="d", range=[float(t["year"].min()) - 0.5, x_hi]),
        legend=dict(orientation="h", yanchor="top", y=-0.1, xanchor="left", x=0),
        margin=dict(l=56, r=16, t=40, b=56),
    )
    return with_provenance(fig, prov)


#: Colours of the Atlas sectors in the composition chart (other sectors: grey).
SECTOR_COLORS: dict[str, str] = {
    "Machinery": "#18bc9c",
    "Electronics": "#e74c3c",
    "Vehicles": "#3498db",
    "Chemicals": "#f39c12",
    "Agriculture": "#2c3e50",
    "Minerals": "#8e44ad",
    "Metals": "#7f8c8d",
    "Textiles": "#d35400",
    "Stone": "#95a5a6",
    "Other": "#bdc3c7",
}


def _chapter_label(hs2: str, name: str) -> str:
    """'87 Vehicles; other than railway or…': the chapter and its name cut at a word (full name on hover)."""
    return f"{hs2} {cut_words(name, 35)}"


def composition_bars(comp: pd.DataFrame, title: str, prov: Provenance, top: int = 12) -> go.Figure:
    """The `top` HS chapters as horizontal bars coloured by sector, largest on top, with each
    chapter's share of the total. `comp`: section, hs2, name, value_usd (one row per chapter)."""
    comp = comp[comp["value_usd"] > 0]
    if comp.empty:
        return empty_figure("No trade to break down for this partner, year and flow.")
    total = float(comp["value_usd"].sum())
    shown = comp.nlargest(top, "value_usd").iloc[::-1]
    rest = total - float(shown["value_usd"].sum())
    fig = go.Figure()
    for section in dict.fromkeys(shown["section"][::-1]):  # legend in order of the largest chapter
        d = shown[shown["section"] == section]
        fig.add_bar(
            x=d["value_usd"] / BN,
            y=[_chapter_label(h, n) for h, n in zip(d["hs2"], d["name"])],
            orientation="h",
            name=section,
            marker_color=SECTOR_COLORS.get(section, "#bdc3c7"),
            customdata=[[fmt_usd(v), fmt_pct(v / total, 1), n] for v, n in zip(d["value_usd"], d["name"])],
            hovertemplate="%{customdata[2]}<br>%{customdata[0]} (%{customdata[1]} of the total)<extra>%{fullData.name}</extra>",
        )
    labels = [_chapter_label(h, n) for h, n in zip(shown["hs2"], shown["name"])]
    fig.update_layout(
        title=title,
        height=330,
        barmode="overlay",
        xaxis={**bn_axis(0.0, float(shown["value_usd"].max()) / BN, 4), "title": None},
        yaxis=dict(categoryorder="array", categoryarray=labels, tickfont=dict(size=10)),
        legend=dict(orientation="h", yanchor="top", y=-0.14, x=0, font=dict(size=10)),
        margin=dict(l=8, r=16, t=40, b=64),
    )
    fig.update_yaxes(automargin=True)
    if rest > 0:
        fig.add_annotation(
            text=f"{len(comp) - len(shown)} other chapters: {fmt_usd(rest)} ({fmt_pct(rest / total, 0)})",
            xref="paper",
            yref="paper",
            x=1,
            y=0,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=10, color="#7b8a8b"),
        )
    return with_provenance(fig, prov)


def controlled_by_tier(
    controlled: pd.DataFrame, totals: pd.DataFrame, partner_name: str, prov: Provenance
) -> go.Figure:
    """US exports to the partner in HS codes mapped to CCL items, stacked by tier, per year.

    `controlled`: year, tier, value_usd. `totals`: year, exports_usd (for the share in hover).
    """
    if controlled.empty or float(controlled["value_usd"].sum()) <= 0:
        return empty_figure(f"No US exports to {partner_name} in HS codes mapped to CCL items for these years.")
    exports = totals.set_index("year")["exports_usd"] if not totals.empty else pd.Series(dtype=float)
    fig = go.Figure()
    for tier in (*TIER_ORDER, *sorted(set(controlled["tier"]) - set(TIER_ORDER))):
        d = controlled[controlled["tier"] == tier].sort_values("year")
        if d.empty:
            continue
        share = [
            fmt_pct(v / exports[y], 1) if y in exports.index and exports[y] else "n/a"
            for y, v in zip(d["year"], d["value_usd"])
        ]
        fig.add_bar(
            x=d["year"],
            y=d["value_usd"] / BN,
            name=TIER_LABELS.get(tier, tier.capitalize()),
            marker_color=TIER_COLORS.get(tier, "#95a5a6"),
            customdata=list(zip([fmt_usd(v) for v in d["value_usd"]], share)),
            hovertemplate=(
                f"%{{x}} {tier}: %{{customdata[0]}}<br>%{{customdata[1]}} of US exports to the partner<extra></extra>"
            ),
        )
    fig.update_layout(
        title=f"US exports to {partner_name} in HS codes mapped to CCL items, by tier",
        barmode="stack",
        height=330,
        xaxis=dict(dtick=1, tickformat="d"),
        yaxis=bn_axis(0.0, float(controlled.groupby("year")["value_usd"].sum().max()) / BN),
        legend=dict(orientation="h", yanchor="top", y=-0.1, xanchor="left", x=0, traceorder="normal"),
        margin=dict(l=56, r=16, t=40, b=56),
    )
    return with_provenance(fig, prov)


def totals_sparkline(totals: pd.DataFrame, partner_name: str, prov: Provenance) -> go.Figure:
    """A compact exports/imports line chart for a side panel (no events, no balance)."""
    if totals.empty:
        return empty_figure(f"No trade totals for {partner_name}.", height=170)
    t = totals.sort_values("year")
    fig = go.Figure()
    for col, name in (("exports_usd", "US exports"), ("imports_usd", "US imports")):
        flow = "exports" if col.startswith("exports") else "imports"
        fig.add_scatter(
            x=t["year"],
            y=t[col] / BN,
            name=name,
            mode="lines",
            line=dict(color=FLOW_COLORS[flow], width=2),
            customdata=[fmt_usd(v) for v in t[col]],
            hovertemplate=f"%{{x}}: {name.lower()} %{{customdata}}<extra></extra>",
        )
    hi = float(t[["exports_usd", "imports_usd"]].max().max()) / BN
    fig.update_layout(
        height=170,
        margin=dict(l=44, r=8, t=26, b=24),
        yaxis=bn_axis(0.0, hi, 3),
        xaxis=dict(tickformat="d", nticks=5),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, font=dict(size=10)),
    )
    fig.update_yaxes(title=None)
    return with_provenance(fig, prov)
