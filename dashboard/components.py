"""Small layout pieces every page uses: provenance badges, KPI cards, figure cards, messages.

Pure functions returning Dash components, so a KPI or a badge looks the same on every page.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.figures.common import Provenance
from dashboard.theme import PROVENANCE_BADGE
from optimizer.sources import ecfr_url, source_url

#: Plotly config for every graph: no plotly logo, no cloud button; the PNG export keeps the badge.
GRAPH_CONFIG: dcc.Graph.Config = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "responsive": True,
}


def graph(fig: Any, height: int, modebar: bool = True) -> dcc.Graph:
    """A static graph of a given height (panels, side columns)."""
    config: dcc.Graph.Config = GRAPH_CONFIG if modebar else {**GRAPH_CONFIG, "displayModeBar": False}
    return dcc.Graph(figure=fig, config=config, style={"height": f"{height}px"})


def provenance_badge(prov: Provenance, className: str = "ms-2") -> dbc.Badge:
    """A REAL / SYNTHETIC badge whose hover text (title) names the source; a REAL badge whose
    source has a known address (`optimizer.sources.source_url`) links to it, in a new tab."""
    url = source_url(prov.source) if prov.kind == "real" else None
    link: dict[str, Any] = {"href": url, "target": "_blank", "external_link": True} if url else {}
    return dbc.Badge(
        prov.label,
        color=PROVENANCE_BADGE[prov.kind],
        className=f"provenance-badge {className}",
        title=f"Source: {prov.source}" + (f" ({url})" if url else ""),
        pill=True,
        **link,
    )


def eccn_link(eccn: str, className: str = "") -> html.A:
    """An ECCN as a link to its eCFR text (Supp. No. 1 to Part 774), in a new tab."""
    return html.A(
        str(eccn),
        href=ecfr_url(str(eccn)),
        target="_blank",
        rel="noopener noreferrer",
        title=f"eCFR text of {str(eccn).split('-', 1)[0]} (15 CFR 774 Supp. No. 1)",
        className=f"eccn-link {className}".strip(),
    )


def eccn_links(eccns: list[str], empty: str = "none") -> list[Any]:
    """Comma-separated ECCN links (`empty` when there are none), for lines of text."""
    if not eccns:
        return [empty]
    out: list[Any] = []
    for k, e in enumerate(eccns):
        if k:
            out.append(", ")
        out.append(eccn_link(e))
    return out


def kpi_card(
    label: str,
    value: str,
    detail: str = "",
    prov: Provenance | None = None,
    tone: str = "primary",
    kpi_id: str | None = None,
) -> dbc.Card:
    """A headline number with its label (which states the year), one line of context and a badge."""
    header = [html.Span(label, className="kpi-label")]
    if prov is not None:
        header.append(provenance_badge(prov))
    body = [
        html.Div(header, className="d-flex justify-content-between align-items-start"),
        html.Div(value, className=f"kpi-value text-{tone}"),
    ]
    if detail:
        body.append(html.Div(detail, className="kpi-detail text-muted"))
    props: dict[str, Any] = {"className": "kpi-card h-100"}
    if kpi_id:
        props["id"] = kpi_id
    return dbc.Card(dbc.CardBody(body, className="py-2 px-3"), **props)


def figure_card(graph_id: str, note_id: str | None = None, height: int = 330, extra: list | None = None) -> dbc.Card:
    """A card holding one graph (with a loading spinner) and an optional note line under it."""
    children: list = list(extra or [])
    children.append(
        dcc.Loading(
            dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"}), type="dot", delay_show=250
        )
    )
    if note_id:
        children.append(html.Div(id=note_id, className="figure-note text-muted small mt-1"))
    return dbc.Card(dbc.CardBody(children, className="p-2"), className="h-100")


COMPACT_ALERT = "py-1 px-2 small mb-0"


def error_alert(message: str, details: list[str] | None = None, compact: bool = False) -> dbc.Alert:
    """How a `DecontrolError` reaches the user: the message and its first details, inline
    (`compact`: a small one for a form's feedback line)."""
    body: list = [html.Strong(message)]
    if details:
        body.append(html.Ul([html.Li(d) for d in details[:8]], className="mb-0 mt-1 small"))
        if len(details) > 8:
            body.append(html.Div(f"... and {len(details) - 8} more", className="small"))
    return dbc.Alert(body, color="danger", className=COMPACT_ALERT if compact else "mb-2")


def empty_state(message: str, hint: str = "") -> html.Div:
    """What an empty area says: why it is empty and what to do."""
    children: list = [html.Div(message, className="fw-semibold")]
    if hint:
        children.append(html.Div(hint, className="small"))
    return html.Div(children, className="empty-state text-muted text-center py-4")


def show_all_toggle(toggle_id: str) -> html.Button:
    """The "Show all N ..." link under a long list. The list shows its first rows only: the browser
    pays for every component a callback sends (about 1.5 ms each in Dash's renderer, so 60 drill rows
    held the Trade page busy for 0.6 s), and the first rows are what a briefer reads. Always in the
    layout (a callback's Input must exist), hidden while the list is short (`toggle_state`)."""
    return html.Button(id=toggle_id, n_clicks=0, hidden=True, className="btn btn-link btn-sm p-0 small")


def toggle_state(total: int, limit: int, clicks: int | None, noun: str, first: str) -> tuple[int, str, bool]:
    """Rows to show, the toggle's label and whether it is hidden, for a list of `total` rows of
    which `limit` show until the toggle is clicked (each click flips it). `first` names the rows shown
    when folded ("latest", "largest")."""
    if total <= limit:
        return total, "", True
    if (clicks or 0) % 2:
        return total, f"Show the {limit} {first} only", False
    return limit, f"Show all {total} {noun}", False


def field(
    label: str, control: Any, help_text: str = "", label_for: str | None = None, feedback: Any = None
) -> html.Div:
    """A labelled form control (label bound to the control for screen readers), help text under it."""
    children: list = [dbc.Label(label, html_for=label_for, className="form-label small fw-semibold mb-1"), control]
    if feedback is not None:
        children.append(feedback)
    if help_text:
        children.append(dbc.FormText(help_text, className="d-block"))
    return html.Div(children, className="mb-2")


def download_buttons(csv_id: str, xlsx_id: str, download_id: str | None, what: str) -> html.Div:
    """Two small buttons, CSV and XLSX, and the `dcc.Download` they fill: every table can leave the
    app with its provenance (`optimizer.table_export`). `download_id` None: the buttons fill a
    `dcc.Download` placed elsewhere on the page (two tables of one card share one)."""
    formats = (
        ("CSV", csv_id, "py-0 me-1", f"{what} as CSV (with source rows)"),
        ("XLSX", xlsx_id, "py-0", f"{what} as an Excel workbook (with a sources sheet)"),
    )
    parts: list = [
        html.Span("Download", className="small text-muted me-1"),
        *(
            dbc.Button(label, id=id_, size="sm", color="secondary", outline=True, className=cls, title=title)
            for label, id_, cls, title in formats
        ),
    ]
    if download_id:
        parts.append(dcc.Download(id=download_id))
    return html.Div(parts, className="d-inline-flex align-items-center ms-auto table-downloads")
