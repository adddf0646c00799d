"""The Package builder's logic: run the optimizer, and turn a run into what the page shows.

A *run* has two phases: Run checks the form and solves the package at once (`run_package`, well
under a second); a background job then traces the frontier and finds alternatives (`run_extras`,
with progress and cancel). Both return JSON-ready dicts for the page's stores, merged for display.
The view functions below read that dict (and which package is shown) and build KPIs, tables and
figures; they never solve, except `frontier_package`, which loads the package of a clicked
frontier point (one solve, well under a second).
"""

from __future__ import annotations

import copy
import json
import math
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html

from dashboard import ids
from dashboard.components import eccn_link, empty_state, graph, kpi_card, provenance_badge
from dashboard.figures.common import Kind, Provenance, empty_figure
from dashboard.figures.package import frontier
from dashboard.logic.package_inputs import FormValues, check_form, with_ally_positions
from dashboard.logic.trade import partner_names, partner_totals
from dashboard.state import diversion_exposure, item_table
from dashboard.theme import TIER_LABELS, fmt_bn, fmt_count, fmt_pct, fmt_score, fmt_usd, truncate
from optimizer.errors import DecontrolError
from optimizer.estimation.risk import RISK_SCALE, RISK_UNIT
from optimizer.estimation.space import nothing_to_offer
from optimizer.formatting import fmt_usd_significant
from optimizer.licensing.instruments import MODE_LABEL, instrument_cite
from optimizer.model import PackageResult, Scenario, compute_frontier, find_alternatives, solve_package
from optimizer.model.diagnose import diagnosis_lines, largest_target_usd
from optimizer.model.package import PackageSession
from optimizer.model.scenario import DEFAULT_MIN_FA
from optimizer.sources import ecfr_url
from optimizer.vocabulary import FOUND, REASON_LABELS, Status, reason_label

FRONTIER_POINTS = 30
ALTERNATIVES = 3
#: Built models kept for re-solves at a new target, and frontiers (which do not depend on the target).
SESSIONS_KEPT = 8
_SESSIONS: OrderedDict[tuple, PackageSession] = OrderedDict()
_FRONTIERS: OrderedDict[tuple, dict] = OrderedDict()
_CACHE_LOCK = threading.Lock()
#: Who decides on an item, in plain labels.
DECIDER_LABELS: dict[str, str] = {
    "bis": "BIS alone",
    "regime": "regime",
    "statute": "statute",
    "agency": "other agency",
}
Progress = Callable[[int, str], None]


def _no_progress(_pct: int, _text: str) -> None:
    return None


# ------------------------------------------------------------------------------------------ run
def run_package(ds: Any, values: FormValues) -> dict[str, Any]:
    """Phase 1 of a run (well under a second, so the analyst sees the package at once): check the
    form and solve the package. A JSON-ready dict for the page's store; `frontier` and
    `alternatives` are None until phase 2 (`run_extras`) adds them.

    `{"ok": False, "problems": {...}}` when the form is invalid (nothing is solved).
    """
    from dashboard.logic.items import check_year
    from dashboard.logic.trade import check_partner

    partner = check_partner(ds, values.partner)
    year = check_year(ds, values.year)
    values = FormValues(**{**values.__dict__, "partner": partner, "year": year})
    items = item_table(ds, partner, year)
    checked = check_form(values, items)
    if not checked.ok:
        return {"ok": False, "problems": checked.problems}
    assert checked.scenario is not None, "a checked form without problems has a scenario"
    t0 = time.perf_counter()
    session = package_session(ds, items, partner, year, checked.scenario, checked.positions)
    package = session.solve(checked.scenario.target_usd)
    return {
        "ok": True,
        "run_id": uuid.uuid4().hex,
        "partner": partner,
        "year": year,
        "scenario": checked.scenario.to_dict(),
        "positions": {k: list(v) for k, v in checked.positions.items()},
        "package": package.to_dict(),
        "frontier": None,
        "alternatives": None,
        "seconds": {"package": time.perf_counter() - t0},
        "synthetic": bool(ds.trade_synthetic),
        "source": str(ds.trade_source),
        "dataset_id": ds.dataset_id,
        # what the trade data lacks (e.g. the partner's imports): said next to an infeasible target
        "data_warnings": [str(w) for w in items.attrs.get("warnings", [])],
    }


def settings_key(ds: Any, partner: str, year: Any, scenario: dict, positions: dict) -> tuple:
    """What a run depends on but its target: two runs with the same key differ only in the target."""
    rest = {k: v for k, v in scenario.items() if k != "target_usd"}
    pos = {k: sorted(v) for k, v in sorted(positions.items())}
    source = (getattr(ds, "dataset_id", ""), id(ds))  # as `state.memo`: a new dataset object is new data
    return (source, partner, year, json.dumps(rest, sort_keys=True, default=str), json.dumps(pos))


def _kept(cache: OrderedDict, key: tuple, make: Callable[[], Any]) -> Any:
    with _CACHE_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with _CACHE_LOCK:
        cache[key] = value
        while len(cache) > SESSIONS_KEPT:
            cache.popitem(last=False)
    return value


def package_session(
    ds: Any, items: Any, partner: str, year: Any, scenario: Scenario, positions: dict
) -> PackageSession:
    """The validated, built model for these settings (any target), kept across runs: a re-solve
    at a new target skips validation and the build (the builder following its target live)."""
    key = (*settings_key(ds, partner, year, scenario.to_dict(), {k: list(v) for k, v in positions.items()}), id(items))
    return _kept(
        _SESSIONS,
        key,
        lambda: PackageSession(with_ally_positions(scenario_items(ds, items, partner, scenario), positions), scenario),
    )


def same_settings(result: dict | None, previous: dict | None) -> bool:
    """Whether two runs differ at most in their target (a live re-solve replaces the previous run)."""
    if not result or not previous or not result.get("ok") or not previous.get("ok"):
        return False
    a = settings_key(None, result["partner"], result["year"], result["scenario"], result.get("positions", {}))
    b = settings_key(None, previous["partner"], previous["year"], previous["scenario"], previous.get("positions", {}))
    return a[1:] == b[1:]


def scenario_items(ds: Any, items: Any, partner: str, scenario: Scenario) -> Any:
    """The item table `scenario` is solved on (the diversion exposure joined when it screens on it),
    through the core's one function, with the exposure cached per partner."""
    from optimizer.diversion.exposure import for_scenario

    if scenario.max_diversion is None:
        return items
    return for_scenario(ds, items, partner, scenario.max_diversion, diversion_exposure(ds, partner))


def _table_and_scenario(ds: Any, result: dict) -> tuple[Any, Scenario]:
    """The item table (with the run's ally positions) and the scenario a run was solved on."""
    scenario = Scenario.from_dict(result["scenario"])
    items = scenario_items(ds, item_table(ds, result["partner"], result["year"]), result["partner"], scenario)
    table = with_ally_positions(items, {k: tuple(v) for k, v in result.get("positions", {}).items()})
    return table, scenario


def run_extras(
    ds: Any,
    result: dict,
    progress: Progress = _no_progress,
    frontier_points: int = FRONTIER_POINTS,
    alternatives: int = ALTERNATIVES,
) -> dict[str, Any]:
    """Phase 2 of a run (the background job, with progress and cancel): the trade-off frontier and
    the alternatives of the package `result` holds. Tagged with the run id, so a late answer for an
    older run is never shown next to a newer package."""
    table, scenario = _table_and_scenario(ds, result)
    t0 = time.perf_counter()
    progress(10, f"Tracing the trade-off frontier ({frontier_points} packages)…")
    key = (
        *settings_key(ds, result["partner"], result["year"], result["scenario"], result.get("positions", {})),
        frontier_points,
    )
    # the frontier runs from 0 to the largest achievable whatever the target: one per settings
    front = copy.deepcopy(
        _kept(
            _FRONTIERS, key, lambda: _slim_frontier(compute_frontier(table, scenario, points=frontier_points).to_dict())
        )
    )
    t1 = time.perf_counter()
    alts = []
    if result["package"]["status"] in FOUND and alternatives:
        progress(70, "Looking for alternative packages…")
        alts = find_alternatives(table, scenario, n=alternatives)
    progress(100, "Done.")
    return {
        "run_id": result["run_id"],
        "frontier": front,
        "alternatives": [_slim(a.to_dict()) for a in alts],
        "seconds": {"frontier": t1 - t0, "alternatives": time.perf_counter() - t1},
    }


def merge(result: dict | None, extras: dict | None) -> dict | None:
    """The run with its frontier and alternatives when `extras` belong to it (same run id)."""
    if not result or not result.get("ok") or not extras or extras.get("run_id") != result.get("run_id"):
        return result
    return {
        **result,
        "frontier": extras["frontier"],
        "alternatives": extras["alternatives"],
        "seconds": {**result["seconds"], **extras["seconds"]},
    }


def run(
    ds: Any,
    values: FormValues,
    progress: Progress = _no_progress,
    frontier_points: int = FRONTIER_POINTS,
    alternatives: int = ALTERNATIVES,
) -> dict[str, Any]:
    """Both phases in one call (tests, benchmarks): package, frontier and alternatives."""
    result = run_package(ds, values)
    if not result["ok"]:
        return result
    merged = merge(result, run_extras(ds, result, progress, frontier_points, alternatives))
    assert merged is not None, "merging extras into a run gives the run"
    return merged


def _slim(pkg: dict) -> dict:
    """An alternative without its excluded list and scenario copy (the proposal has them)."""
    return {k: v for k, v in pkg.items() if k not in ("excluded", "scenario")}


def _slim_frontier(front: dict) -> dict:
    return {k: v for k, v in front.items() if k != "scenario"}


def frontier_package(ds: Any, result: dict, index: int) -> dict[str, Any]:
    """The full package at frontier point `index`: the least-risk package for that point's target
    under the run's other constraints (what the frontier traced), with exclusions and binding rows."""
    point = result["frontier"]["points"][index]
    table, scenario = _table_and_scenario(ds, result)
    return solve_package(table, scenario.replace(target_usd=point["target_usd"], objective="min-risk")).to_dict()


def use_max_target_bn(result: dict | None) -> float | None:
    """The largest achievable target of the last run in US$ bn, rounded *down* to three significant
    digits (`optimizer.model.diagnose.largest_target_usd`: reachable, and the very figure the
    infeasibility message and the button print: $6.353m -> $6.35m)."""
    if not result or not result.get("ok"):
        return None
    best = result["package"].get("max_achievable_usd")
    if best is None or best <= 0:
        return None if best is None else 0.0
    return round(largest_target_usd(best) / 1e9, 12)


def use_max_label(result: dict | None) -> str:
    """The 'use the largest target' button's text, with the figure of the message above it."""
    best = use_max_target_bn(result)
    return "" if best is None else f"Use the largest achievable target, {fmt_usd_significant(best * 1e9)}"


# ------------------------------------------------------------------------------------------ validation
#: Fields with their own inline message, in the order of the validation callback's outputs.
FIELDS: tuple[str, ...] = ("target", "max_items", "modes", "risk_budget", "caps", "locks", "forced", "ally_penalty")


def validation_view(ds: Any, values: FormValues) -> tuple[dict[str, str], list[str], Any]:
    """Inline validation as the analyst types: {field: message} for FIELDS, the messages of each ally
    field (in `ALLIES` order), and a summary line (None when the form is valid)."""
    from dashboard.logic.items import check_year
    from dashboard.logic.trade import check_partner
    from optimizer.data.schema import ALLIES

    items = item_table(ds, check_partner(ds, values.partner), check_year(ds, values.year))
    problems = check_form(values, items).problems
    fields = {f: problems.get(f, "") for f in FIELDS}
    allies = [problems.get(f"ally_{iso}", "") for iso in ALLIES]
    n = len(problems)
    summary = None
    if n:
        summary = dbc.Alert(
            problems.get("general") or f"{fmt_count(n, 'input')} to fix before running.",
            color="warning",
            className="py-1 px-2 small mb-2",
        )
    return fields, allies, summary


# ------------------------------------------------------------------------------------------ views
def shown_package(result: dict, shown: dict | None) -> tuple[dict, str]:
    """The package to display and its label: the proposal, an alternative or a frontier point."""
    shown = shown or {}
    kind, index = shown.get("kind", "main"), int(shown.get("index") or 0)
    if kind == "alternative" and index < len(result.get("alternatives") or []):
        return result["alternatives"][index], f"Alternative {index + 1}"
    if kind == "frontier" and shown.get("package"):
        return shown["package"], f"Frontier package for a {fmt_bn(shown['package']['target_usd'])} target"
    return result["package"], "Proposed package"


def shown_result(result: dict, shown: dict | None) -> tuple[PackageResult, str]:
    """`shown_package` typed: the package on display as a `PackageResult` (read with attributes)."""
    pkg, label = shown_package(result, shown)
    return PackageResult.from_dict(pkg), label


def run_provenance(result: dict) -> Provenance:
    """Package values come from the trade layer (synthetic by default) and analyst parameters."""
    kind: Kind = "synthetic" if result.get("synthetic") else "analyst"
    return Provenance(kind, f"{result.get('source', '')} + analyst-made concordance, tiers and risk weights")


def status_view(result: dict | None, shown: dict | None) -> tuple[Any, dict]:
    """The status line (or the infeasibility alert with its 'use the largest target' button) and the
    style of that button (hidden unless the target is infeasible)."""
    hidden = {"display": "none"}
    if not result:
        return empty_state(
            "No package yet.",
            "Set a target and press Run: the optimizer picks the least risky "
            "items that reach it, never a foundational one.",
        ), hidden
    if not result.get("ok"):
        return dbc.Alert("Fix the highlighted inputs, then press Run.", color="warning", className="py-2"), hidden
    pkg, label = shown_package(result, shown)
    main = result["package"]
    if main["status"] == Status.INFEASIBLE and label == "Proposed package":
        best = use_max_target_bn(result)
        msg = [
            html.Strong(f"No package reaches {fmt_bn(main['target_usd'])}. "),
            html.Span(" ".join(diagnosis_lines(main))),
        ]
        if result.get("data_warnings"):
            msg.append(html.Ul([html.Li(w) for w in result["data_warnings"]], className="small mb-0 mt-1"))
        if best is not None:
            return dbc.Alert(msg, color="warning", className="py-2 mb-2"), {}
        return dbc.Alert(msg, color="danger", className="py-2 mb-2"), hidden
    if main["status"] == Status.TIME_LIMIT and label == "Proposed package":
        return dbc.Alert(
            f"The solver stopped at its time limit ({main['time_limit_s']:g} s) before finding a "
            "package. Loosen the constraints or raise the limit.",
            color="danger",
        ), hidden
    gap = pkg.get("gap")
    quality = (
        "proven optimal"
        if pkg["status"] == Status.OPTIMAL
        else f"best found in the time limit (gap {fmt_pct(gap, 1)})"
        if pkg["status"] == Status.FEASIBLE
        else pkg["status"]
    )
    min_fa = float(result["scenario"].get("min_fa", DEFAULT_MIN_FA))
    parts = [
        html.Strong(label),
        html.Span(
            f"\u00a0· {result['partner']}, trade year {result['year']} · {quality} · "
            f"{pkg.get('solver', '')} in {pkg.get('solve_seconds', 0):.2f} s · "
            f"foreign-availability threshold {min_fa:.2f}"
        ),
        provenance_badge(run_provenance(result)),
    ]
    line = html.Div(parts, className="small mb-2 d-flex align-items-center flex-wrap")
    nothing = nothing_to_offer(pkg, result["partner"])
    if nothing:
        nothing += (
            " An analyst can tag a foundational item transactional (never a rule-foundational one) to "
            "consider trading it."
        )
        return html.Div([line, dbc.Alert(nothing, color="info", className="py-2 mb-2")]), hidden
    return line, hidden


def kpi_view(ds: Any, result: dict | None, shown: dict | None) -> list:
    if not result or not result.get("ok"):
        return []
    pkg = shown_result(result, shown)[0]
    prov = run_provenance(result)
    if pkg.achieved_usd is None:
        best = pkg.max_achievable_usd
        largest = "none" if best is None else fmt_usd_significant(largest_target_usd(best))
        return [
            dbc.Col(
                kpi_card(
                    "Largest achievable target", largest, "per year, under the other constraints", prov, tone="danger"
                )
            )
        ]
    totals = partner_totals(ds, result["partner"], (result["year"], result["year"]))
    exports = float(totals["exports_usd"].iloc[0]) if len(totals) else math.nan
    share = (
        f"{fmt_pct(pkg.achieved_usd / exports, 1)} of US exports to {result['partner']} in {result['year']}"
        if exports == exports and exports
        else "US exports to the partner unknown for the year"
    )
    marginal = pkg.marginal_risk_per_bn
    cards = [
        kpi_card(
            f"Value unlocked, {result['year']}",
            fmt_usd(pkg.achieved_usd),
            f"per year vs target {fmt_bn(pkg.target_usd)}; {share}",
            prov,
        ),
        kpi_card(
            "Items relieved",
            str(pkg.n_items),
            ", ".join(f"{n} {MODE_LABEL.get(m, m).lower()}" for m, n in Counter(l.mode for l in pkg.items).items())
            or "none",
            None,
        ),
        kpi_card(
            "Security risk",
            fmt_score(pkg.risk),
            f"{RISK_UNIT}, summed over items (analyst weights, FA-reduced)",
            Provenance("analyst", "risk weights per reason for control, reduced by foreign availability"),
        ),
        kpi_card(
            "Marginal risk per extra $1bn",
            fmt_score(marginal) if marginal is not None else "n/a",
            "approximation from the LP relaxation",
            None,
        ),
    ]
    return [dbc.Col(c, md=6, xxl=3) for c in cards]


def frontier_view(result: dict | None, shown: dict | None) -> go.Figure:
    if not result or not result.get("ok"):
        return frontier([], Provenance("analyst", ""))
    if result.get("frontier") is None:
        return empty_figure(
            "The frontier is traced after the package (see the progress under Run); "
            "if it was cancelled, press Run again.",
            height=300,
        )
    pts = [
        {"index": i, "value_usd": p.get("achieved_usd"), "risk": p.get("risk"), "n_items": p.get("n_items", 0)}
        for i, p in enumerate(result["frontier"]["points"])
        if p.get("achieved_usd") is not None
    ]
    selected = int(shown["index"]) if shown and shown.get("kind") == "frontier" else None
    pkg, label = shown_result(result, shown)
    star = (
        (pkg.achieved_usd, pkg.risk, label) if pkg.achieved_usd and pkg.risk is not None and selected is None else None
    )
    return frontier(
        pts, run_provenance(result), selected=selected, target_usd=result["package"]["target_usd"], shown=star
    )


def _sentence(text: str) -> str:
    """'approximation: ...' -> 'Approximation: ....' (first letter only: keeps 'US$' and 'LP')."""
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else ""


def table_view(result: dict | None, shown: dict | None) -> list:
    """The shown package as a table: ECCN, heading, mode, value, FA, risk, why."""
    if not result or not result.get("ok"):
        return []
    pkg, label = shown_package(result, shown)
    lines = sorted(pkg.get("items", []), key=lambda l: -(l.get("value_usd") or 0))
    if pkg.get("status") not in FOUND:
        return [
            html.H2(label, className="h6"),
            empty_state(
                "No package for this target.",
                "Use the largest achievable target, or relax the constraint the message names.",
            ),
        ]
    if not lines:
        return [html.H2(label, className="h6"), empty_state("This package relieves no item.")]
    head = html.Thead(
        html.Tr(
            [
                html.Th("ECCN"),
                html.Th("Heading"),
                html.Th("Binds"),
                html.Th("Relief (CFR)"),
                html.Th(f"Value/yr ({result['year']})", className="text-end"),
                html.Th("FA", className="text-end"),
                html.Th("Risk", className="text-end", title=RISK_SCALE),
                html.Th("Decides", title="BIS alone, a multilateral regime, a statute or another agency"),
                html.Th("Why"),
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(eccn_link(l["eccn"]), className="fw-semibold"),
                html.Td(truncate(l.get("heading", ""), 70), title=l.get("heading", "")),
                html.Td(l.get("binding_reasons", ""), title=l.get("licence_basis", "")),
                html.Td(instrument_cite(l), title=l.get("instrument", "")),
                html.Td(fmt_usd(l.get("value_usd"), missing="unknown"), className="text-end"),
                html.Td(fmt_score(l.get("fa_score")), className="text-end"),
                html.Td(fmt_score(l.get("risk")), className="text-end"),
                html.Td(DECIDER_LABELS.get(l.get("decided_by", ""), l.get("decided_by", "")), className="small"),
                html.Td(l.get("why", ""), className="small text-muted"),
            ]
        )
        for l in lines
    ]
    return [
        html.H2(f"{label}: {fmt_count(len(lines), 'item')}", className="h6"),
        html.Div(
            html.Table([head, html.Tbody(rows)], className="table table-sm table-hover small mb-0"),
            className="table-responsive",
        ),
    ]


def binding_view(result: dict | None, shown: dict | None) -> list:
    if not result or not result.get("ok"):
        return []
    pkg, _ = shown_package(result, shown)
    rows = pkg.get("binding_constraints", [])
    body: list = []
    why = diagnosis_lines(pkg)
    if why:  # no package: the rule the diagnosis names binds, not a row of a package that does not exist
        body += [html.Div(line, className="small") for line in why]
    elif not rows:
        body.append(
            html.Div(
                "No constraint binds: the package could change without hitting a limit.", className="small text-muted"
            )
        )
    for b in rows:
        slack = (
            fmt_usd(b["slack"]) if b["family"] == "target" or b["name"].startswith("cap_share") else f"{b['slack']:g}"
        )
        body.append(
            html.Div(
                [
                    html.Strong(b["family"].replace("_", " ")),
                    html.Span(f": {b['detail']} "),
                    html.Span(f"(room left {slack})", className="text-muted"),
                ],
                className="small",
            )
        )
    marginal = pkg.get("marginal_risk_per_bn")
    if marginal is not None:
        body.append(
            html.Div(
                [
                    html.Strong("Marginal risk"),
                    f": {fmt_score(marginal)} risk points per extra US$1bn of target. ",
                    html.Span(_sentence(pkg.get("marginal_risk_note") or "approximation"), className="text-muted"),
                ],
                className="small mt-1",
            )
        )
    for w in pkg.get("warnings", []):
        body.append(html.Div(w, className="small text-warning"))
    return [html.H2("Binding constraints and marginal risk", className="h6"), *body]


def _chip(e: dict) -> html.A:
    return html.A(  # the reason on hover, the regulation text on a click
        e["eccn"],
        href=ecfr_url(e["eccn"]),
        target="_blank",
        rel="noopener noreferrer",
        className="excluded-chip eccn-link",
        title=e.get("detail", ""),
    )


def excluded_view(result: dict | None, shown: dict | None, limit: int = 40) -> list:
    """Items left out, grouped by reason (counts, then the items with the detail on hover)."""
    if not result or not result.get("ok"):
        return []
    pkg, label = shown_package(result, shown)
    excluded = pkg.get("excluded") or result["package"].get("excluded", [])
    note = "" if pkg.get("excluded") else " (of the proposal)"
    groups: dict[str, list[dict]] = {}
    for e in excluded:
        groups.setdefault(e["reason"], []).append(e)
    body = []
    for reason in [*REASON_LABELS, *sorted(set(groups) - set(REASON_LABELS))]:
        if reason not in groups:
            continue
        items = groups[reason]
        chips: list = [_chip(e) for e in items[:limit]]
        if len(items) > limit:  # the rest one click away, never cut off ("and 531 more" listed nothing)
            chips.append(
                html.Details(
                    [
                        html.Summary(f"and {len(items) - limit} more", className="small text-muted"),
                        html.Div([_chip(e) for e in items[limit:]]),
                    ],
                    className="d-inline",
                )
            )
        body.append(
            html.Details(
                [
                    html.Summary(f"{reason_label(reason)}: {len(items)}", className="small"),
                    html.Div(chips, className="py-1"),
                ]
            )
        )
    return [html.H2(f"Items left out, with reasons{note}", className="h6"), *body]


def alternatives_view(result: dict | None, shown: dict | None) -> list:
    """The proposal and its alternatives side by side: value, risk, items, overlap; a button to show each."""
    if not result or not result.get("ok") or not result["package"].get("items"):
        return []
    if result.get("alternatives") is None:
        return [
            html.H2("Alternatives within 5% of the best", className="h6"),
            html.Div("Searched after the frontier…", className="small text-muted"),
        ]
    main = result["package"]
    packages = [("Proposal", main, {"kind": "main", "index": 0})] + [
        (f"Alternative {i + 1}", a, {"kind": "alternative", "index": i}) for i, a in enumerate(result["alternatives"])
    ]
    cur = (shown or {}).get("kind", "main"), int((shown or {}).get("index") or 0)
    base = {l["eccn"] for l in main["items"]}
    cols = []
    for name, pkg, key in packages:
        ids_ = [l["eccn"] for l in pkg["items"]]
        shared = len(base & set(ids_))
        active = (key["kind"], key["index"]) == cur
        button = (
            html.Span("shown", className="badge bg-secondary")
            if active
            else dbc.Button(
                "Show",
                id={"type": ids.PKG_SHOW_ALT, "index": key["index"] if key["kind"] != "main" else -1},
                size="sm",
                color="link",
                className="p-0",
            )
        )
        cols.append(
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.Div([html.Strong(name), button], className="d-flex justify-content-between"),
                            html.Div(
                                f"{fmt_usd(pkg['achieved_usd'])}/yr · risk {fmt_score(pkg['risk'])}", className="small"
                            ),
                            html.Div(
                                f"{fmt_count(len(ids_), 'item')}"
                                + ("" if name == "Proposal" else f", {shared} shared with the proposal"),
                                className="small text-muted",
                            ),
                            html.Div(
                                [
                                    html.A(
                                        e,
                                        href=ecfr_url(e),
                                        target="_blank",
                                        rel="noopener noreferrer",
                                        className="excluded-chip eccn-link" + (" chip-shared" if e in base else ""),
                                    )
                                    for e in ids_
                                ],
                                className="pt-1",
                            ),
                        ],
                        className="p-2",
                    ),
                    className="h-100" + (" border-warning" if active else ""),
                ),
                md=3,
                sm=6,
            )
        )
    if len(packages) == 1:
        cols.append(
            dbc.Col(
                html.Div("No other package is within 5% of the proposal's objective.", className="small text-muted"),
                md=9,
            )
        )
    return [html.H2("Alternatives within 5% of the best", className="h6"), dbc.Row(cols, className="g-2")]


def side_trade_view(ds: Any, partner: str | None, year: Any) -> list:
    """The partner's trade beside the builder: real totals for the year, the controlled-trade overlay."""
    from dashboard.figures.trade import totals_sparkline
    from dashboard.logic.items import check_year
    from dashboard.logic.trade import check_partner, controlled_summary, controlled_trade, totals_provenance, trade_kpis

    p = check_partner(ds, partner)
    y = check_year(ds, year)
    name = partner_names(ds).get(p, p)
    kpis = trade_kpis(ds, p, (y, y))
    prov = totals_provenance(ds)
    out: list = [html.H2(f"US trade with {name}, {y}", className="h6 mb-1")]
    for k in kpis:
        out.append(
            html.Div(
                [
                    html.Span(k.label.split(",")[0], className="small text-muted"),
                    html.Span(k.value, className=f"fw-bold text-{k.tone} ms-2"),
                ],
                className="d-flex justify-content-between",
            )
        )
    out.append(html.Div(provenance_badge(prov, className=""), className="text-end mb-1"))
    years = (int(ds.partner_totals["year"].min()), int(ds.partner_totals["year"].max()))
    out.append(graph(totals_sparkline(partner_totals(ds, p, years), name, prov), 170, modebar=False))
    items = item_table(ds, p, y)
    rows = controlled_summary(controlled_trade(ds, items, p, (y, y)), ds, p, y)
    out.append(html.H3(f"US exports in HS codes mapped to CCL items, {y}", className="h6 mt-2 mb-1"))
    out.append(
        html.Table(
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(TIER_LABELS.get(r["tier"], r["tier"].capitalize())),
                            html.Td(r["value"], className="text-end"),
                            html.Td(r["share"], className="text-end text-muted"),
                        ]
                    )
                    for r in rows
                ]
            ),
            className="table table-sm small mb-1",
        )
    )
    out.append(
        provenance_badge(Provenance("synthetic" if ds.trade_synthetic else "real", ds.trade_source), className="")
    )
    out.extend(concession_space_view(ds, p, y))
    return out


def suggested_target_bn(ds: Any, partner: str | None, year: Any = None) -> float:
    """The builder's starting target for a partner: a round share of what its concession space can
    achieve (`optimizer.estimation.space`), so the default is never infeasible (0 when nothing is)."""
    from dashboard.logic.items import check_year
    from dashboard.logic.trade import check_partner
    from optimizer.estimation.space import concession_space

    try:
        p, y = check_partner(ds, partner), check_year(ds, year)
    except Exception:  # noqa: BLE001 - an unknown partner or year is reported by the form itself
        return 0.0
    return round(concession_space(item_table(ds, p, y)).suggested_target_usd / 1e9, 4)


def follow_partner_target(ds: Any, partner: str | None, year: Any, current: Any, suggested: Any) -> tuple[Any, float]:
    """(target to show, new suggestion) when the partner or year changes: the target follows the
    partner's suggestion unless the analyst typed another one (it then stays as typed)."""
    from dash import no_update

    new = suggested_target_bn(ds, partner, year)
    untouched = current in (None, "") or suggested is None or _same(current, suggested)
    return (new if untouched else no_update), new


def _same(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


def concession_space_view(ds: Any, partner: str, year: int) -> list:
    """What the partner's licence requirements leave to negotiate about, in the side panel."""
    from optimizer.estimation.space import concession_space

    s = concession_space(item_table(ds, partner, year))
    rows = [
        ("Need a licence", str(s.licensed_items), fmt_usd(s.licence_bound_usd) + " bound"),
        ("Military end use only", str(s.end_use_only_items), fmt_usd(s.end_use_only_bound_usd) + " bound"),
        ("No licence required (nlr)", str(s.nlr_items), fmt_usd(s.nlr_potential_usd) + " trade"),
        ("Candidates", str(s.candidates), "at most " + fmt_usd(s.candidate_value_usd)),
    ]
    return [
        html.H3(f"Concession space, {year}", className="h6 mt-2 mb-1"),
        html.Table(
            html.Tbody(
                [
                    html.Tr([html.Td(a), html.Td(b, className="text-end"), html.Td(c, className="text-end text-muted")])
                    for a, b, c in rows
                ]
            ),
            className="table table-sm small mb-1",
        ),
        html.Div(
            "Only what a licence requirement on the partner blocks counts (Country Chart, Country Groups, "
            "15 CFR 744.21); nlr items need no licence: nothing to relieve.",
            className="small text-muted",
        ),
    ]


def side_note_view(result: dict | None, shown: dict | None = None, extras: dict | None = None) -> str:
    """The line under the partner's trade that puts the package on display in proportion (the
    proposal, an alternative or a frontier point: it followed only the proposal)."""
    merged = merge(result, extras)
    if not merged or not merged.get("ok"):
        return ""
    pkg, label = shown_result(merged, shown)
    if not pkg.achieved_usd:
        return ""
    what = "The proposal" if label == "Proposed package" else label
    return (
        f"{what} unlocks {fmt_usd(pkg.achieved_usd)} per year for {merged['partner']} (estimated for {merged['year']})."
    )


def package_views(ds: Any, result: dict | None, extras: dict | None, shown: dict | None, new_run: bool) -> tuple:
    """Outputs of the package area (status, 'use the largest target' button, KPIs, table, binding
    constraints, exclusions) as soon as the package exists; for a new run also placeholders for the
    frontier and alternatives, which the background phase fills in (`extras_views`)."""
    from dash import no_update

    merged = merge(result, extras)
    status, use_max_style = status_view(merged, shown)
    label = use_max_label(merged)
    pending = (frontier_view(merged, shown), alternatives_view(merged, shown)) if new_run else (no_update, no_update)
    return (
        status,
        use_max_style,
        label,
        kpi_view(ds, merged, shown),
        table_view(merged, shown),
        binding_view(merged, shown),
        excluded_view(merged, shown),
        *pending,
    )


def extras_views(result: dict | None, extras: dict | None, shown: dict | None) -> tuple:
    """Outputs of the frontier and alternatives area once the background phase has run."""
    merged = merge(result, extras)
    return frontier_view(merged, shown), alternatives_view(merged, shown)


def result_views(ds: Any, result: dict | None, shown: dict | None) -> tuple:
    """Every area of a (merged) run at once: status, button style and label, KPIs, frontier, table,
    alternatives, binding constraints, exclusions (tests and benchmarks)."""
    status, style, label, kpis, table, binding, excluded, fig, alts = package_views(ds, result, None, shown, True)
    return status, style, label, kpis, fig, table, alts, binding, excluded


def shown_from_click(ds: Any, result: dict | None, click: dict | None) -> Any:
    """PKG_SHOWN after a click on the frontier: that point's full package (no_update for other clicks)."""
    from dash import no_update

    if not result or not result.get("ok") or not result.get("frontier") or not click or not click.get("points"):
        return no_update
    data = click["points"][0].get("customdata")
    if not isinstance(data, list) or not data:
        return no_update  # the target line or the highlight ring, not a package
    index = int(data[0])
    return {"kind": "frontier", "index": index, "package": frontier_package(ds, result, index)}


def shown_from_button(triggered: Any, clicks: list | None) -> Any:
    """PKG_SHOWN after a 'Show' button of the alternatives: index -1 is the proposal."""
    from dash import no_update

    if not isinstance(triggered, dict) or not any(clicks or []):
        return no_update  # buttons re-created by a re-render, not clicked
    index = int(triggered["index"])
    return {"kind": "main", "index": 0} if index < 0 else {"kind": "alternative", "index": index}


def restore_last_run(ds: Any, values: FormValues, last: dict[str, Any] | None) -> dict[str, Any] | None:
    """The session's last run solved again when the builder reappears, or None.

    The builder's result stores live in memory (a result restored from browser storage re-ran the
    background phase on every page load), so the page comes back empty while its inputs are kept.
    When the inputs on screen are those of the session's last run (`last`, the Scenarios page's
    copy of it), that run is solved again, once (tens of milliseconds on shipped data): the package
    and its frontier return. Inputs changed since, or a form that no longer passes its checks, give
    None: nothing runs that the analyst did not ask for."""
    if not last or not last.get("ok") or not last.get("scenario"):
        return None
    try:
        result = run_package(ds, values)
    except DecontrolError:
        return None
    if not result.get("ok") or result.get("scenario") != last["scenario"]:
        return None
    return result
