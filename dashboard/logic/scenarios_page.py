"""What the Scenarios page's callbacks return: the list, the comparison and the messages, shaped for
display and filtered for the audience (decided on the server, passed in by the callbacks)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import COMPACT_ALERT, eccn_links, empty_state, error_alert
from dashboard.figures.common import empty_figure
from dashboard.figures.compare import frontiers_overlay
from dashboard.logic import compare, scenarios
from dashboard.logic.briefing_export import briefing_bytes, file_name
from dashboard.theme import fmt_bn, fmt_score
from optimizer.errors import DecontrolError

BN = 1e9


def feedback(outcome: scenarios.Outcome) -> dbc.Alert:
    return dbc.Alert(outcome.message, color="success" if outcome.ok else "danger", className=COMPACT_ALERT)


def _table(header: list[str], rows: list[list[Any]]) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        className="table table-sm small mb-1",
    )


def list_view(store: Any, audience: str) -> tuple[Any, list[dict], list[dict]]:
    """The saved-scenarios table, and the options of the pick and compare selectors.

    Allies see only the scenarios an analyst shared, by their shareable title, and pick them by an
    opaque share id: the internal name never leaves the server."""
    rows = scenarios.scenario_rows(store)
    if audience == "ally":
        rows = sorted((r for r in rows if r["shared_title"] and r["share_id"]), key=lambda r: r["shared_title"])
        options = [{"label": r["shared_title"], "value": r["share_id"]} for r in rows]
        if not rows:
            return empty_state("No scenario has been shared with allies yet."), [], []
        header = ["Scenario", "Partner", "Year", "Target", "Achieved", "Items", "Status"]
        body = [
            [
                r["shared_title"],
                r["partner"],
                r["year"] or "latest",
                fmt_bn(r["target_bn"] * BN),
                fmt_bn(r["achieved_bn"] * BN),
                r["n_items"],
                r["status"],
            ]
            for r in rows
        ]
        return _table(header, body), options, options
    options = [{"label": r["name"], "value": r["name"]} for r in rows]
    if not rows:
        return (
            empty_state("No saved scenarios yet.", "Run a package in the Package builder, then save it here."),
            [],
            [],
        )
    header = [
        "Name",
        "Partner",
        "Year",
        "Target",
        "Achieved",
        "Items",
        "Status",
        "Shared with allies as",
        "Allies' positions",
        "Version",
        "Saved by",
        "Saved at",
    ]
    body = [
        [
            r["name"],
            r["partner"],
            r["year"] or "latest",
            fmt_bn(r["target_bn"] * BN),
            fmt_bn(r["achieved_bn"] * BN),
            r["n_items"],
            r["status"],
            r["shared_title"] or "not shared",
            r["allies"] or "–",
            r["version"],
            r["author"] or "–",
            r["updated"],
        ]
        for r in rows
    ]
    return _table(header, body), options, options


def records_for(store: Any, refs: list[Any], audience: str) -> list[Any]:
    """The scenarios `refs` name, as `audience` may see them: for allies the refs are share ids and
    each record carries its shareable title in place of its name."""
    if audience != "ally":
        return [store.get(str(n)) for n in refs]
    return [dataclasses.replace(rec, name=rec.shared_title) for rec in (store.get_shared(r) for r in refs)]


def compare_view(store: Any, ds: Any, names: list[str] | None, data_dir: Path | None, audience: str) -> tuple:
    """Totals table, package diffs and the overlaid frontiers of the chosen scenarios."""
    names = [n for n in (names or []) if n]
    if len(names) < 2:
        hint = empty_state("Choose two or more scenarios to compare.")
        return hint, None, empty_figure("Choose two or more saved scenarios to overlay their frontiers.", height=320)
    records = records_for(store, names, audience)
    names = [r.name for r in records]
    totals = compare.totals_rows(records, audience)
    header = ["Scenario", "Partner", "Target", "Achieved", "Items", "Status"]
    rows = [
        [t["name"], t["partner"], fmt_bn(t["target_bn"] * BN), fmt_bn(t["achieved_bn"] * BN), t["n_items"], t["status"]]
        for t in totals
    ]
    if audience == "internal":
        header.append("Total risk")
        rows = [r + [fmt_score(t.get("risk"))] for r, t in zip(rows, totals)]
    diff_parts: list = [inputs_table(names, compare.input_diff(records, audience))]
    diff_parts.append(html.H3(f"Package differences from '{names[0]}'", className="h6 mt-2"))
    for d in compare.diffs(records):
        changed = [f"{e} ({a} → {b})" for e, a, b in d["mode_changed"]]
        diff_parts.append(
            html.Div(
                [
                    html.Strong(d["name"]),
                    ": ",
                    html.Span(["added ", *eccn_links(d["added"])], className="text-success"),
                    " · ",
                    html.Span(["removed ", *eccn_links(d["removed"])], className="text-danger"),
                    " · ",
                    html.Span(f"relief mode changed {', '.join(changed) or 'none'}"),
                ],
                className="small mb-1",
            )
        )
    series = compare.frontier_series(ds, records, data_dir, audience)
    chosen = compare.chosen_points(records, audience)
    fig = frontiers_overlay(series, compare.compare_provenance(ds, audience), audience, chosen)
    return _table(header, rows), diff_parts, fig


def inputs_table(names: list[str], rows: list[dict[str, Any]]) -> html.Div:
    """The inputs that differ between the compared scenarios (one column per scenario); a value that
    differs from the first scenario's is highlighted. Says so when every input is the same."""
    title = html.H3("Inputs that differ", className="h6 mt-2")
    if not rows:
        return html.Div(
            [title, html.Div("The scenarios share every input.", className="small text-muted")], id=ids.CMP_INPUTS
        )
    body = [
        html.Tr(
            [
                html.Th(r["label"], scope="row", className="fw-normal"),
                *[
                    html.Td(v, className="input-differs table-warning" if k and v != r["values"][0] else "")
                    for k, v in enumerate(r["values"])
                ],
            ]
        )
        for r in rows
    ]
    table = html.Table(
        [html.Thead(html.Tr([html.Th("Input"), *[html.Th(n) for n in names]])), html.Tbody(body)],
        className="table table-sm small mb-1",
    )
    return html.Div([title, table], id=ids.CMP_INPUTS)


def brief_download(
    store: Any, name: Any, kind: str, marking: Any, data_dir: Path | None, audience: str
) -> tuple[dict | None, Any]:
    """dcc.Download data for the chosen scenario's briefing, and a status line (or an error)."""
    if not name:
        return None, error_alert("Choose a saved scenario first.", compact=True)
    try:
        rec = records_for(store, [name], audience)[0]
        data = briefing_bytes(rec.inputs, data_dir, kind, audience=audience, marking=marking or "", title=rec.name)
    except DecontrolError as exc:
        return None, error_alert(exc.message, exc.details, compact=True)
    fname = file_name(rec.name, kind, audience)
    note = f"Downloaded {fname} ({'ally view: shared facts only' if audience == 'ally' else 'internal view'})."
    return dcc.send_bytes(data, fname), note
