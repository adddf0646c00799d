"""Figures of the Diversion page: a pair's legs before and after the control, and the hub matrix."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import Provenance, empty_figure, with_provenance

LEGS: tuple[tuple[str, str, str], ...] = (
    ("coalition_reported_exports_to_hub", "Coalition exports to the hub (coalition's report)", "solid"),
    ("hub_reported_imports_from_coalition", "Hub's imports from the coalition (hub's report)", "dot"),
    ("target_reported_imports_from_hub", "Target's imports from the hub (target's report)", "solid"),
    ("hub_reported_exports_to_target", "Hub's exports to the target (hub's report)", "dot"),
)


def _year_position(d: date) -> float:
    """A date on an axis of calendar years (a year's value is plotted at its middle)."""
    return d.year - 0.5 + (d.timetuple().tm_yday - 1) / 365.0


def before_after(series: pd.DataFrame, controls: list[tuple[date, str]], title: str, prov: Provenance) -> go.Figure:
    """The four legs by year with the control dates marked (vertical lines, labelled)."""
    if series.empty or series.drop(columns="year").isna().all().all():
        return empty_figure("No trade reported for this pair")
    fig = go.Figure()
    for col, name, dash in LEGS:
        fig.add_trace(
            go.Scatter(
                x=series["year"],
                y=series[col] / 1e6,
                name=name,
                mode="lines+markers",
                line=dict(dash=dash),
                hovertemplate="%{x}: $%{y:,.2f}m<extra>" + name + "</extra>",
            )
        )
    for i, (d, label) in enumerate(controls):
        x = _year_position(d)
        fig.add_vline(x=x, line=dict(color="#c0392b", width=1, dash="dash"))
        fig.add_annotation(
            x=x,
            y=1 - 0.08 * i,
            yref="paper",
            text=f"{label} {d.isoformat()}",
            showarrow=False,
            xanchor="right",
            yanchor="top",
            font=dict(size=10, color="#c0392b"),
        )
    fig.update_layout(
        title=dict(text=title, font=dict(size=13)),
        yaxis_title="USD million a year",
        xaxis=dict(dtick=1),
        legend=dict(orientation="h", y=-0.12, yanchor="top", font=dict(size=10)),
        margin=dict(l=50, r=10, t=50, b=10),
    )
    return with_provenance(fig, prov)


def hub_matrix(table: pd.DataFrame, prov: Provenance) -> go.Figure:
    """Hubs x CHPL tier as a bubble matrix (the app ships plotly's basic bundle, which has no heatmap):
    colour and size = the highest combined score of the hub's codes in the tier (non-CHPL mapped codes
    in their own column), the number of codes on hover."""
    if table.empty:
        return empty_figure("No pair to show")
    group = table["chpl_tier"].map(lambda s: f"Tier {s}" if s else "not CHPL")
    t = table.assign(group=group).groupby(["hub", "group"])["combined"].agg(["max", "size"]).reset_index()
    cols = sorted(t["group"].unique(), key=lambda c: (c == "not CHPL", c))
    fig = go.Figure(
        go.Scatter(
            x=t["group"],
            y=t["hub"],
            mode="markers",
            customdata=t["size"],
            marker=dict(
                size=8 + 30 * t["max"],
                color=t["max"],
                cmin=0,
                cmax=1,
                colorscale="Reds",
                showscale=True,
                colorbar=dict(title="score"),
                line=dict(color="#555", width=0.5),
            ),
            hovertemplate="%{y}, %{x}: best %{marker.color:.2f} over %{customdata} code(s)<extra></extra>",
        )
    )
    fig.update_layout(
        title=dict(text="Highest combined score by hub and CHPL tier", font=dict(size=13)),
        xaxis=dict(categoryorder="array", categoryarray=cols, type="category"),
        yaxis=dict(categoryorder="category descending", type="category"),
        margin=dict(l=50, r=10, t=50, b=10),
    )
    return with_provenance(fig, prov)
