"""The item panel's trade evidence and the Control list's potential-vs-actual chart, shaped for
display: the frames come from `optimizer.evidence` (cached here per dataset, the panel reopens
items often); this module adds the captions that say what each figure rests on.

Everything shown is a fact from trade data or an estimate from it (no tier, no risk), so the same
sections serve the analyst's panel and the ally's.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components import eccn_link, graph, provenance_badge
from dashboard.figures.common import Provenance
from dashboard.figures.evidence import item_series_figure, potential_figure
from dashboard.state import memo
from dashboard.theme import fmt_pct, fmt_usd
from optimizer.evidence import code_potential, events_for, item_series, potential_vs_actual, supplier_ranking
from optimizer.evidence.potential import METHOD


def _trade_prov(ds: Any) -> Provenance:
    return Provenance("synthetic" if ds.trade_synthetic else "real", ds.trade_source)


def _estimate_prov(ds: Any) -> Provenance:
    """Trade figures weighted by controlled shares: the trade layer's kind, plus the concordance."""
    return Provenance.combine(_trade_prov(ds), Provenance("analyst", "ECCN→HS6 concordance, analyst-made"))


def ecfr_line(eccn: str) -> html.Div:
    """The item's regulation text, one click away."""
    return html.Div(
        [html.Span("Regulation text: ", className="text-muted"), eccn_link(eccn), html.Span(" (eCFR, 15 CFR 774)")],
        className="small mb-1",
    )


def evidence_section(ds: Any, eccn: str, partner: str, name: str, year: int) -> html.Section:
    """Trade over time with the partner's policy events, and potential vs actual per HS code."""
    series = memo(ds, ("evidence-series", eccn, partner), lambda: item_series(ds, eccn, partner))
    events = events_for(ds.events, partner)
    ev_prov = Provenance("real", ds.provenance["events"].source) if "events" in ds.provenance else None
    codes = memo(ds, ("evidence-codes", eccn, partner, year), lambda: code_potential(ds, eccn, partner, year))
    children: list = [
        graph(item_series_figure(series, events, eccn, name, _trade_prov(ds)), 300),
        html.Div(
            "Trade in the mapped HS codes as a whole (a code is broader than the controlled item); the US share of "
            f"{name}'s imports set against the US share of world exports. Per-code lines: click a code in the legend."
            + (f" Policy events: {ev_prov.source}." if ev_prov else ""),
            className="small text-muted",
        ),
    ]
    if len(codes) > 1:
        children += [
            graph(
                potential_figure(
                    codes, f"Potential vs actual US exports per HS code, {year}", "hs6", _estimate_prov(ds)
                ),
                60 + 26 * min(len(codes), 15) + 200,
            )
        ]
    elif len(codes) == 1:
        c = codes.iloc[0]
        children.append(
            html.Div(
                f"HS {c['hs6']}, {year}: potential {fmt_usd(c['potential_usd'])}, actual US exports "
                f"{fmt_usd(c['actual_usd'])}, gap {fmt_usd(c['gap_usd'])} (controlled share of the code).",
                className="small",
            )
        )
    children.append(
        html.Details(
            [
                html.Summary("How potential is defined", className="small"),
                html.Div(METHOD, className="small text-muted"),
            ]
        )
    )
    head = html.Div(
        [html.H3(f"Trade evidence: {name}", className="h6 mb-1 d-inline"), provenance_badge(_trade_prov(ds))],
        className="mb-1",
    )
    return html.Section([head, *children], id=ids.ITEMS_EVIDENCE, className="panel-section")


def supplier_table(
    ds: Any, eccn: str, partner: str, name: str, year: int, roles: dict[str, str] | None = None
) -> html.Div:
    """Top exporters of the item's codes: share of world exports, and of the partner's imports.
    `roles`: exporter -> its role in the foreign-availability score (US, partner, regime member,
    non-regime), shown beside it so the ranking reads against the score."""
    r = memo(ds, ("evidence-suppliers", eccn, partner, year), lambda: supplier_ranking(ds, eccn, partner, year))
    if r.empty:
        return html.Div(
            "No exporter of the mapped HS codes in the data.", className="small", id=ids.ITEMS_SUPPLIER_RANKING
        )
    rows = [
        html.Tr(
            [
                html.Td(int(x["rank"])),
                html.Td(x["exporter"], className="fw-semibold" if x["exporter"] in ("USA", partner) else ""),
                *([html.Td((roles or {}).get(x["exporter"], ""), className="text-muted")] if roles else []),
                html.Td(fmt_usd(x["world_exports_usd"]), className="text-end"),
                html.Td(fmt_pct(x["world_share"], 1), className="text-end"),
                html.Td(
                    "(itself)"
                    if x["exporter"] == partner
                    else fmt_usd(x["exports_to_partner_usd"], missing="not in data"),
                    className="text-end",
                ),
                html.Td(fmt_pct(x["partner_share"], 1, missing="–"), className="text-end"),
            ]
        )
        for x in r.to_dict(orient="records")
    ]
    header = ["#", "Exporter", *(["Role"] if roles else []), "World exports", "World share", f"To {name}"]
    header.append(f"Share of {name}'s imports")
    first_number = 3 if roles else 2
    unmeasured = bool(pd.isna(r["exports_to_partner_usd"]).any())
    return html.Div(
        [
            html.Div(
                [
                    html.Span(f"Top exporters of the mapped codes, {year}", className="small fw-semibold"),
                    provenance_badge(_estimate_prov(ds)),
                ]
            ),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(h, className="text-end" if k >= first_number else "")
                                for k, h in enumerate(header)
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="table table-sm small mb-1",
            ),
            html.Div(
                "Values weighted by each code's controlled share, as the foreign-availability score weighs them."
                + (
                    f" 'not in data': the trade layer has no bilateral rows from that exporter to {name}."
                    if unmeasured
                    else ""
                ),
                className="small text-muted",
            ),
        ],
        id=ids.ITEMS_SUPPLIER_RANKING,
        className="mb-2",
    )


def potential_view(ds: Any, partner: str, name: str, year: int, top: int = 15) -> tuple[Any, str]:
    """The Control list's chart (top items by potential) and its note (method and count)."""
    rows = memo(ds, ("evidence-potential", partner, year), lambda: potential_vs_actual(ds, partner, year))
    fig = potential_figure(
        rows,
        f"Potential vs actual US exports to {name}, {year}: top {top} items by potential",
        "eccn",
        _estimate_prov(ds),
        top,
    )
    note = f"{len(rows):,} goods items with mapped HS codes. {METHOD}"
    return fig, note
