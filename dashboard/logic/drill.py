"""The Trade page's drill-down: chapter -> heading -> subheading -> the CCL items mapped into it.

The figures come from `optimizer.data.hs_tree` (the CLI could print them); this module lays them
out: a breadcrumb back up, a table whose rows drill one level down, and at a subheading the items
of the concordance with links that open the Control list on that item (the URL carries it). The
HS6 layer is the only breakdown below chapters, so every level says whether it is real or synthetic.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import empty_state, provenance_badge, toggle_state
from dashboard.figures.common import Provenance
from dashboard.logic.items import item_years
from dashboard.logic.trade import check_partner, clamp_years, partner_names, trade_layer_provenance
from dashboard.logic.url_state import query_string
from dashboard.state import memo
from dashboard.theme import fmt_pct, fmt_usd, truncate
from optimizer.data.hs_tree import breadcrumb, check_prefix, children, code_names, flow_by_hs6, items_in
from optimizer.errors import DecontrolError

CONCORDANCE_PROV = Provenance("analyst", "ECCN→HS6 concordance, analyst-made (datasets/concordance.csv)")


def tree_names(ds: Any) -> dict[str, str]:
    return memo(ds, ("hs_tree_names",), lambda: code_names(ds.hs6, ds.hs2))


def _crumbs(prefix: str, names: dict[str, str]) -> html.Nav:
    trail = breadcrumb(prefix, names)
    parts: list = []
    for i, (code, label) in enumerate(trail):
        last = i == len(trail) - 1
        short = truncate(label, 48)
        parts.append(
            html.Li(
                short
                if last
                else dbc.Button(
                    short, id={"type": ids.TRADE_DRILL_CRUMB, "code": code}, color="link", size="sm", className="p-0"
                ),
                className="breadcrumb-item" + (" active" if last else ""),
            )
        )
    return html.Nav(html.Ol(parts, className="breadcrumb mb-1 small"), title="HS drill-down")


#: Codes listed before "Show all" (the largest of the level).
DRILL_SHOWN = 20

#: The toggle of a view with no list to fold.
NO_TOGGLE = ("", True)


def drill_view(
    ds: Any,
    partner: str | None,
    years: list[int] | None,
    flow: str | None,
    prefix: str | None,
    audience: str,
    clicks: int | None = None,
) -> tuple[list, list, str, bool]:
    """Breadcrumb and body of the drill-down for the last year of the range, and the label and
    hidden state of its "Show all" toggle (`clicks` of it so far)."""
    p, ys = check_partner(ds, partner), clamp_years(ds, years)
    flow = flow if flow in ("exports", "imports") else "exports"
    names = tree_names(ds)
    try:
        code = check_prefix(prefix)
    except DecontrolError as exc:
        return [_crumbs("", names)], [dbc.Alert(f"{exc.message}: showing all chapters.", color="warning")], *NO_TOGGLE
    year = ys[1]
    name = partner_names(ds).get(p, p)
    direction = "US exports to" if flow == "exports" else "US imports from"
    prov = trade_layer_provenance(ds)
    head = html.Div(
        [html.H2(f"{direction} {name}, {year}, by HS code", className="h6 mb-0 d-inline"), provenance_badge(prov)],
        className="mb-1",
    )
    crumbs = [head, _crumbs(code, names)]
    if len(code) == 6:
        return crumbs, _items_body(ds, p, year, code, names, audience), *NO_TOGGLE
    layer_years = item_years(ds)
    if year not in layer_years:
        span = f"{layer_years[0]}–{layer_years[-1]}" if layer_years else "no year"
        return crumbs, [empty_state(f"No HS6 breakdown for {year}: the HS6 trade layer covers {span}.")], *NO_TOGGLE
    flows = memo(ds, ("flow_by_hs6", p, year, flow), lambda: flow_by_hs6(ds.trade, p, year, flow))
    level = children(flows, code, names, ds.concordance)
    if level.frame.empty:
        return (
            crumbs,
            [empty_state(f"No {direction.lower()} {name} under {code or 'any chapter'} in {year}.")],
            *NO_TOGGLE,
        )
    shown, label, hidden = toggle_state(len(level.frame), DRILL_SHOWN, clicks, "codes", "largest")
    rows = []
    for r in level.frame.head(shown).itertuples(index=False):
        rows.append(
            html.Tr(
                [
                    html.Td(
                        dbc.Button(
                            r.code,
                            id={"type": ids.TRADE_DRILL_ROW, "code": r.code},
                            color="link",
                            size="sm",
                            className="p-0 font-monospace",
                            title=f"Drill into {r.code}",
                        )
                    ),
                    html.Td(truncate(str(r.name), 90), className="small", title=str(r.name)),
                    html.Td(fmt_usd(r.value_usd), className="text-end"),
                    html.Td(fmt_pct(r.share, 1), className="text-end"),
                    html.Td(str(r.items) if r.items else "", className="text-end"),
                ],
                className="drill-row",
            )
        )
    table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(level.label),
                        html.Th("Name"),
                        html.Th(f"US$ {year}", className="text-end"),
                        html.Th(f"Share of {code or 'all'}", className="text-end"),
                        html.Th("CCL items", className="text-end", title="items the concordance maps into the code"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        className="table table-sm table-hover mb-1",
        id=ids.TRADE_DRILL_TABLE,
    )
    listed = f"the {shown} largest of " if shown < len(level.frame) else ""
    note = f"{listed}{len(level.frame)} codes, {fmt_usd(level.total_usd)} in all. Click a code to drill down."
    return crumbs, [table, html.Div(note[0].upper() + note[1:], className="small text-muted")], label, hidden


def _items_body(ds: Any, partner: str, year: int, code: str, names: dict[str, str], audience: str) -> list:
    """An HS6 code's CCL items, each a link to the Control list with the item selected."""
    mapped = items_in(ds.concordance, code)
    if mapped.empty:
        return [empty_state(f"No CCL item is mapped to {code} ({names.get(code, '')}) in the concordance.")]
    headings = dict(zip(ds.ccl["eccn"], ds.ccl["heading"]))
    item_year = year if year in item_years(ds) else None
    rows = []
    for r in mapped.to_dict(orient="records"):
        href = "/items" + query_string({"partner": partner, "year": item_year, "item": r["eccn"]})
        cells = [
            html.Td(dcc.Link(r["eccn"], href=href, className="font-monospace drill-item")),
            # a split entry ("2B001-rest") has its parent's heading
            html.Td(str(headings.get(r["eccn"], headings.get(r["eccn"].split("-")[0], "")))[:110], className="small"),
            html.Td(fmt_pct(r.get("controlled_share"), 0), className="text-end"),
        ]
        if audience == "internal":  # the analyst's judgement of the mapping
            cells.append(html.Td(f"{r.get('confidence', '')}: {r.get('rationale', '')}", className="small"))
        rows.append(html.Tr(cells))
    header = ["ECCN", "Heading", "Controlled share"] + (
        ["Mapping (confidence: rationale)"] if audience == "internal" else []
    )
    return [
        html.Div(
            [
                html.Span(f"{len(rows)} CCL items mapped to {code} {names.get(code, '')}", className="small"),
                provenance_badge(CONCORDANCE_PROV),
            ],
            className="mb-1",
        ),
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
            className="table table-sm mb-1",
            id=ids.TRADE_DRILL_TABLE,
        ),
    ]


def chapter_from_click(click: dict | None) -> str | None:
    """The HS chapter of a clicked composition bar (its label starts with the code: "84 Machinery...")."""
    points = (click or {}).get("points") or []
    label = str(points[0].get("y", "")) if points else ""
    code = label.split(" ")[0] if label else ""
    return code if len(code) == 2 and code.isdigit() else None


def drill_target(triggered_id: Any, triggered_value: Any, current: str | None) -> str | None:
    """The prefix a click asks for (None: nothing was clicked: a row or crumb just appeared)."""
    if not triggered_value or not isinstance(triggered_id, dict):
        return None
    code = str(triggered_id.get("code", ""))
    return None if code == (current or "") else code
