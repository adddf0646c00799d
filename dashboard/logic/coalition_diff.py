"""The Allies page's coalition-vs-US-only comparison as a difference of the two packages.

Two full tables (coalition, US-only) made the analyst find the changes by eye; this shows the items
only the coalition package relieves, the items only the US-only optimum relieves, and the items
both relieve (counted, not listed row by row unless asked), with the members' values per item.
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.components import eccn_link
from dashboard.theme import fmt_score, fmt_usd, truncate
from optimizer.coalition.difference import package_difference


def _rows(lines: list[dict[str, Any]], members: list[str]) -> list[html.Tr]:
    return [
        html.Tr(
            [
                html.Td(eccn_link(i["eccn"]), className="fw-semibold"),
                html.Td(truncate(str(i.get("heading", "")), 60), title=str(i.get("heading", ""))),
                *[html.Td(fmt_usd((i.get("values_usd") or {}).get(m), missing="unknown")) for m in members],
                html.Td(fmt_score(i.get("risk"))),
                html.Td(i.get("why", ""), className="small text-muted"),
            ]
        )
        for i in lines
    ]


def _table(lines: list[dict[str, Any]], members: list[str], table_id: str) -> html.Table:
    header = ["Item", "Heading", *[f"{m}, US$/yr" for m in members], "Risk (index)", "Why"]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])), html.Tbody(_rows(lines, members))],
        id=table_id,
        className="table table-sm small mb-1",
    )


def difference_view(coalition: dict[str, Any], us_only: dict[str, Any], members: list[str]) -> list:
    """Headings with counts and totals, then: only in the coalition package, only in the US-only
    package (tables), and the items in both (a collapsed table)."""
    d = package_difference(coalition["items"], us_only["items"])
    both = [a for a, _ in d["both"]]
    out: list = [
        html.H3(
            f"What the coalition changes: coalition {len(coalition['items'])} items "
            f"({fmt_usd(coalition['total_usd'])} a year for the members), US-only {len(us_only['items'])} items "
            f"({fmt_usd(us_only['total_usd'])})",
            className="h6 mt-2",
        ),
        html.Div(
            f"{len(d['only_first'])} only in the coalition package · {len(d['only_second'])} only in the US-only "
            f"package · {len(both)} in both",
            id=ids.ALLY_DIFF_SUMMARY,
            className="small mb-1",
            role="status",
        ),
    ]
    for lines, label, table_id, tone in (
        (d["only_first"], "Only in the coalition package", ids.ALLY_DIFF_COALITION, "text-success"),
        (d["only_second"], "Only in the US-only package", ids.ALLY_DIFF_US_ONLY, "text-danger"),
    ):
        out.append(html.H4(f"{label} ({len(lines)})", className=f"h6 small fw-bold mt-2 mb-1 {tone}"))
        out.append(_table(lines, members, table_id) if lines else html.Div("None.", className="small text-muted"))
    out.append(
        html.Details(
            [
                html.Summary(f"In both packages ({len(both)})", className="small fw-bold"),
                _table(both, members, ids.ALLY_DIFF_BOTH) if both else html.Div("None.", className="small"),
            ],
            className="mt-2",
        )
    )
    return out
