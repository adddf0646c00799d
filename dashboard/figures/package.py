"""Figures of the Package builder: the value-risk trade-off frontier."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.figures.common import Provenance, bn_axis, empty_figure, with_provenance
from dashboard.theme import NAVY, ORANGE, fmt_bn, fmt_count, fmt_score, fmt_usd
from optimizer.estimation.risk import RISK_SCALE

BN = 1e9
LOG_SPAN = 50.0


def frontier(
    points: Sequence[dict],
    prov: Provenance,
    selected: int | None = None,
    target_usd: float | None = None,
    shown: tuple[float, float, str] | None = None,
) -> go.Figure:
    """Least risk for each concession value: one marker per solved package, clickable.

    `points`: dicts with `value_usd` (achieved), `risk`, `n_items` and `index` (position in the
    run's frontier list, returned as customdata so a click can load that package). Empty packages
    (value 0) are left out. `shown`: (value, risk, label) of the package on display, marked with a
    star. The risk axis turns logarithmic when the risks span more than `LOG_SPAN`, so the cheap
    end of the curve stays readable next to the last, expensive items.
    """
    pts = [p for p in points if p.get("value_usd") and p.get("risk") is not None]
    if not pts:
        return empty_figure("Run the optimizer to see the trade-off between concession value and risk.", height=300)
    pts = sorted(pts, key=lambda p: p["value_usd"])
    x = [p["value_usd"] / BN for p in pts]
    y = [p["risk"] for p in pts]
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=y,
        mode="lines+markers",
        name="Packages (least risk for the value)",
        line=dict(color=NAVY, width=1.5, shape="hv"),
        marker=dict(size=9, color=NAVY),
        customdata=[
            [p["index"], fmt_usd(p["value_usd"]), fmt_score(p["risk"]), fmt_count(p["n_items"], "item")] for p in pts
        ],
        hovertemplate="%{customdata[1]} per year · risk %{customdata[2]} · %{customdata[3]}"
        "<br><i>click to load this package</i><extra></extra>",
    )
    if selected is not None:
        sel = [p for p in pts if p["index"] == selected]
        if sel:
            p = sel[0]
            fig.add_scatter(
                x=[p["value_usd"] / BN],
                y=[p["risk"]],
                mode="markers",
                name="Shown package",
                marker=dict(size=16, color="rgba(0,0,0,0)", line=dict(color=ORANGE, width=3)),
                hoverinfo="skip",
            )
    if shown is not None and shown[0]:
        fig.add_scatter(
            x=[shown[0] / BN],
            y=[shown[1]],
            mode="markers",
            name=shown[2],
            marker=dict(symbol="star", size=15, color=ORANGE, line=dict(color="white", width=1)),
            customdata=[[fmt_usd(shown[0]), fmt_score(shown[1])]],
            hovertemplate=shown[2] + ": %{customdata[0]} per year · risk %{customdata[1]}<extra></extra>",
        )
    positive = [r for r in y if r > 0]
    log = bool(positive) and max(positive) / min(positive) > LOG_SPAN
    x_max = max(x) * 1.06
    if target_usd and target_usd / BN <= x_max * 1.2:
        fig.add_vline(
            x=target_usd / BN,
            line=dict(color=ORANGE, dash="dash", width=1.5),
            annotation_text=f"target {fmt_bn(target_usd)}",
            annotation_position="top left",
            annotation_font=dict(size=10, color=ORANGE),
        )
        x_max = max(x_max, target_usd / BN * 1.06)
    elif target_usd:  # far beyond what is achievable: say so rather than squash the curve
        fig.add_annotation(
            text=f"target {fmt_bn(target_usd)} is beyond the largest achievable value →",
            xref="paper",
            yref="paper",
            x=1,
            y=0.02,
            xanchor="right",
            showarrow=False,
            font=dict(size=10, color=ORANGE),
        )
    fig.add_annotation(
        text=RISK_SCALE,
        xref="paper",
        yref="paper",
        x=0,
        y=1.0,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=9, color="#7b8a8b"),
    )
    fig.update_layout(
        title="Trade-off frontier: risk of the safest package for each value",
        height=300,
        hovermode="closest",
        clickmode="event",
        xaxis={**bn_axis(0.0, x_max, 5, title="concession value per year, US$"), "range": [0, x_max]},
        yaxis=dict(
            title="total security risk, risk points" + (" (log scale)" if log else ""),
            type="log" if log else "linear",
            dtick=1 if log else None,
            rangemode="normal" if log else "tozero",
        ),
        legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
        margin=dict(l=56, r=16, t=40, b=72),
    )
    return with_provenance(fig, prov)
