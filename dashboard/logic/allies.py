"""The Allies page's logic: a panel per ally (regime memberships, its own trade with the partner),
positions per item or item group that the optimizer respects, and the coalition package next to the
US-only optimum.

An ally's trade with the partner is read from the HS6 trade table: its world exports (importer WLD)
and, where bilateral rows exist, ally -> partner. Where they do not (the shipped synthetic layer has
US bilateral flows only), the panel shows the same proxy the coalition model uses (world exports x
the partner's share of world imports, `optimizer.coalition.values`) and says so; every panel carries
the trade layer's provenance (synthetic or real).
"""

from __future__ import annotations

import re
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.components import error_alert, graph, provenance_badge
from dashboard.figures.allies import member_gains_bars
from dashboard.figures.common import Provenance
from dashboard.logic.items import check_year, trade_provenance
from dashboard.state import memo
from dashboard.theme import fmt_pct, fmt_score, fmt_usd
from optimizer.data import aggregates as agg
from optimizer.errors import DecontrolError
from optimizer.estimation.allies import POSITIONS
from optimizer.estimation.risk import RISK_UNIT
from optimizer.model.scenario import DEFAULT_MIN_FA
from optimizer.vocabulary import FOUND

#: Allies offered on the page: the what-if partners (UK, Japan, Australia, Netherlands/EU, Korea),
#: then Germany and Taiwan.
ALLY_CHOICES: tuple[str, ...] = ("GBR", "JPN", "AUS", "NLD", "KOR", "DEU", "TWN")
DEFAULT_MEMBERS: tuple[str, ...] = ("GBR", "JPN", "NLD")
_LINE = re.compile(r"^\s*([A-Za-z]{3})\s+(\S+)\s+(\w+)\s*$")
POSITIONS_HELP = (
    "one a line: ISO3 ITEM support|neutral|oppose. ITEM is an item id (3A991), an ECCN with "
    "its sub-items, or a group ending in * (3B* = every category 3 equipment item). "
    "Later lines win, so 'JPN 3B* oppose' then 'JPN 3B991 support' opposes all of 3B but 3B991."
)


# ------------------------------------------------------------------------------------------ facts
def exporter_totals(ds: Any, partner: str, year: int) -> dict[str, Any]:
    """One year's exports per exporter, to the world and to `partner`, and the partner's share of
    world imports (`optimizer.data.aggregates.exporter_totals`): cached per (partner, year), since
    the panels redraw on every change of allies or positions."""
    return memo(ds, ("ally_exporter_totals", partner, year), lambda: agg.exporter_totals(ds.trade, partner, year))


def ally_panel(ds: Any, ally: str, partner: str, year: int) -> dict[str, Any]:
    """Facts about one ally: its regimes and its exports, to the world and to `partner`
    (`optimizer.data.aggregates.ally_facts`: bilateral rows, else the coalition model's proxy)."""
    return agg.ally_facts(ds, ally, partner, year, exporter_totals(ds, partner, year))


# ------------------------------------------------------------------------------------------ positions
def _matches(token: str, item_ids: list[str]) -> list[str]:
    """Item ids a position token names: a group `3B*` (prefix), or an id and its sub-items."""
    if token.endswith("*"):
        prefix = token[:-1]
        return [i for i in item_ids if i.startswith(prefix)] if prefix else []
    return [i for i in item_ids if i == token or i.startswith(token + "-")]


def parse_positions(text: str | None, item_ids: list[str] | set[str], members: list[str]) -> dict[str, dict[str, str]]:
    """Positions `{ally: {item id: position}}` from lines `ISO3 ITEM support|neutral|oppose`.

    ITEM is an item id, an ECCN (its sub-items too) or a group `PREFIX*`; later lines override earlier
    ones. DecontrolError lists every bad line (syntax, non-member ally, unknown item, bad position).
    """
    ids = sorted(str(i) for i in item_ids)
    out: dict[str, dict[str, str]] = {}
    problems = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            problems.append(f"line {n}: write ISO3 ITEM position, e.g. JPN 3A991 oppose")
            continue
        iso, token, pos = m.group(1).upper(), m.group(2).upper(), m.group(3).lower()
        matched = _matches(token, ids)
        if iso not in members:
            problems.append(f"line {n}: {iso} is not a chosen coalition member")
        elif not matched:
            problems.append(
                f"line {n}: no item {token} in the item table"
                if not token.endswith("*")
                else f"line {n}: the group {token} matches no item"
            )
        elif pos not in POSITIONS:
            problems.append(f"line {n}: position must be one of {', '.join(POSITIONS)}, not {pos!r}")
        else:
            out.setdefault(iso, {}).update({i: pos for i in matched})
    if problems:
        raise DecontrolError("some positions cannot be read; nothing was run", problems)
    return out


def position_counts(positions: dict[str, dict[str, str]], ally: str) -> dict[str, int]:
    """How many items an ally supports / opposes (neutral is the default and not counted)."""
    stated = positions.get(ally, {})
    return {p: sum(1 for v in stated.values() if v == p) for p in ("support", "oppose")}


def builder_form(partner: str, year: int, positions: dict[str, dict[str, str]], target_bn: float) -> dict[str, Any]:
    """The Package builder's form for the partner with these allies' oppositions (the builder's
    own allies only: `optimizer.data.schema.ALLIES`), through the same path as an opened scenario."""
    from dashboard.logic.scenarios import form_from_inputs

    return form_from_inputs(
        {
            "scenario": {"partner": partner, "year": year, "target_usd": target_bn * 1e9, "allies": sorted(positions)},
            "ally_positions": positions,
        }
    )


# ------------------------------------------------------------------------------------------ coalition
def run_coalition(
    ds: Any,
    item_ids: list[str] | set[str],
    partner: str,
    members: list[str],
    risk_budget: Any,
    positions_text: str | None,
    year: int | None = None,
) -> dict[str, Any]:
    """Solve the coalition package (max-min relative gain) and the US-only optimum under one risk
    budget; `item_ids` are the partner's item table ids (positions are checked against them)."""
    from optimizer.coalition import coalition_package
    from optimizer.model.scenario import Scenario

    try:
        budget = float(risk_budget)
    except (TypeError, ValueError):
        raise DecontrolError("enter a risk budget (total risk points the package may use)") from None
    if budget < 0:
        raise DecontrolError(f"the risk budget cannot be negative (got {budget:g})")
    chosen = [m for m in (members or []) if m]
    if not chosen:
        raise DecontrolError("choose at least one ally for the coalition")
    positions = parse_positions(positions_text, item_ids, chosen)
    scenario = Scenario.from_dict({"target_usd": 0, "risk_budget": budget, "partner": partner, "year": year})
    return coalition_package(ds, partner, chosen, scenario, positions=positions).to_dict()


def coalition_summary(result: dict[str, Any]) -> dict[str, Any]:
    """The parts of `CoalitionResult.to_dict()` the page shows: gains per member, both packages."""
    gains = [
        {
            "member": g["member"],
            "potential_usd": g["potential_usd"],
            "coalition_usd": g["coalition_gain_usd"],
            "coalition_rel": g["coalition_relative_gain"],
            "us_only_usd": g["us_only_gain_usd"],
            "us_only_rel": g["us_only_relative_gain"],
            "in_maxmin": g["in_maxmin"],
            "basis": g["basis"],
        }
        for g in result.get("member_gains", [])
    ]
    sides = {
        side: {
            "items": result[side]["items"],
            "status": result[side]["status"],
            "risk_used": result[side]["risk_used"],
            "min_rel": result[side]["min_relative_gain"],
            "total_usd": result[side]["total_value_usd"],
            "seconds": result[side]["seconds"],
        }
        for side in ("coalition", "us_only")
    }
    return {
        "status": result.get("status"),
        "gains": gains,
        "sides": sides,
        "members": result.get("members", []),
        "risk_budget": result.get("risk_budget"),
        "year": result.get("year"),
        "partner": result.get("partner"),
        "min_fa": float((result.get("scenario") or {}).get("min_fa", DEFAULT_MIN_FA)),
        "min_relative_gain": result.get("min_relative_gain"),
        "warnings": result.get("warnings", []),
        "synthetic": result.get("synthetic"),
        "source": result.get("source", ""),
    }


# ------------------------------------------------------------------------------------------ views
def panels_and_alert(ds: Any, partner: str, members: list[str] | None, positions_text: str | None) -> tuple[Any, Any]:
    """The panels for the page's choices and an alert for positions or a partner that cannot be
    read: what the panels callback returns, and what the page's layout carries for its first render."""
    from dashboard.state import item_table

    try:
        item_ids = item_table(ds, partner)["eccn"]
        try:
            positions, alert = parse_positions(positions_text, item_ids, members or []), None
        except DecontrolError as exc:
            positions, alert = {}, error_alert(exc.message, exc.details)
        return panels_view(ds, partner, members or [], positions), alert
    except DecontrolError as exc:
        return None, error_alert(exc.message, exc.details)


def panels_view(
    ds: Any,
    partner: str,
    members: list[str],
    positions: dict[str, dict[str, str]] | None = None,
    year: int | None = None,
) -> list:
    """One card per chosen ally with the trade layer's provenance badge."""
    year = check_year(ds, year)
    prov = trade_provenance(ds)
    cards = []
    for iso in members or []:
        p = ally_panel(ds, iso, partner, year)
        counts = position_counts(positions or {}, iso)
        as_of = f" (as of {p['regimes_as_of']})" if p["regimes_as_of"] else ""
        body = [
            html.H2(
                [p["name"], html.Span(f" {iso}", className="text-muted"), provenance_badge(prov)], className="h6 mb-1"
            ),
            html.Div([html.Strong("Regimes: "), ", ".join(p["regimes"]) or "none", as_of], className="small"),
            html.Div(
                [html.Strong(f"World exports {year}: "), fmt_usd(p["world_exports_usd"], missing="no data")],
                className="small",
            ),
            html.Div(
                [
                    html.Strong(f"Exports to {partner} {year}: "),
                    fmt_usd(p["exports_to_partner_usd"], missing="no data"),
                ],
                className="small",
            ),
            html.Div(p["basis"], className="small text-muted"),
            html.Div(
                [
                    html.Strong("Positions: "),
                    f"{counts['support']} supported, {counts['oppose']} opposed, the rest neutral",
                ],
                className="small mt-1",
            ),
        ]
        cards.append(dbc.Col(dbc.Card(dbc.CardBody(body, className="p-2"), className="h-100"), md=6, xl=4))
    if not cards:
        return [html.Div("Choose at least one ally above.", className="text-muted small")]
    return [dbc.Row(cards, className="g-2")]


def _gains_table(gains: list[dict[str, Any]]) -> html.Table:
    header = [
        "Member",
        "Potential, US$/yr",
        "Coalition gain, US$/yr",
        "share",
        "US-only gain, US$/yr",
        "share",
        "Basis",
    ]
    rows = [
        [
            g["member"] + ("" if g["in_maxmin"] else " *"),
            fmt_usd(g["potential_usd"]),
            fmt_usd(g["coalition_usd"]),
            fmt_pct(g["coalition_rel"], 1),
            fmt_usd(g["us_only_usd"]),
            fmt_pct(g["us_only_rel"], 1),
            g["basis"],
        ]
        for g in gains
    ]
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        className="table table-sm small mb-1",
    )


def coalition_view(result: dict[str, Any]) -> list:
    """Gains per member (coalition vs US-only, US$ and share of potential), a chart, both packages."""
    s = coalition_summary(result)
    prov = Provenance("synthetic" if s["synthetic"] else "real", s["source"])
    co, us = s["sides"]["coalition"], s["sides"]["us_only"]
    if co["status"] not in FOUND:
        return [
            error_alert(f"The coalition package could not be found (solver status: {co['status']}).", s["warnings"])
        ]
    title = (
        f"Coalition package vs US-only optimum, {s['partner']} {s['year']}, risk budget "
        f"{fmt_score(s['risk_budget'])}, foreign-availability threshold {s['min_fa']:.2f} · "
        f"solver status {co['status']}"
    )
    summary = (
        f"Smallest member's share of its potential: coalition {fmt_pct(co['min_rel'], 1)}, "
        f"US-only {fmt_pct(us['min_rel'], 1)}. Risk used: coalition {fmt_score(co['risk_used'])}, "
        f"US-only {fmt_score(us['risk_used'])} ({RISK_UNIT})."
    )
    out: list = [
        html.H2([title, provenance_badge(prov)], className="h6"),
        html.P(summary, className="small mb-1"),
        dbc.Row(
            [
                dbc.Col(_gains_table(s["gains"]), lg=7),
                dbc.Col(graph(member_gains_bars(s["gains"], prov), height=260, modebar=False), lg=5),
            ],
            className="g-2",
        ),
        html.Div(
            "* no value at stake for this member in the eligible items: left out of the max-min.",
            className="small text-muted mb-2",
        )
        if any(not g["in_maxmin"] for g in s["gains"])
        else None,
    ]
    from dashboard.logic.coalition_diff import difference_view

    out += difference_view(co, us, s["members"])
    if s["warnings"]:
        out.append(html.Ul([html.Li(w) for w in s["warnings"]], className="small text-muted mt-2"))
    return [c for c in out if c is not None]
