"""Layout of page 2, Control list: the item grid with tier chips and bars, and the item panel."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import auth, ids
from dashboard.components import GRAPH_CONFIG, download_buttons, error_alert, field
from dashboard.logic.items import grid_view, item_years, panel_view
from dashboard.logic.trade import partner_options
from dashboard.state import AppState
from dashboard.theme import TIER_ORDER
from optimizer.errors import DecontrolError
from optimizer.estimation.config import TIERS

PATH = "/items"
NAME = "Control list"
TITLE = "Commerce Control List items"


def _override_form() -> html.Div:
    return html.Div(
        [
            html.H3("Change the tier (recorded, with a reason)", className="h6"),
            field(
                "New tier",
                dbc.Select(id=ids.ITEMS_OVERRIDE_TIER, options=[{"label": t, "value": t} for t in TIERS]),
                label_for=ids.ITEMS_OVERRIDE_TIER,
            ),
            field(
                "Reason",
                dbc.Textarea(
                    id=ids.ITEMS_OVERRIDE_REASON,
                    rows=2,
                    placeholder="e.g. widely available from non-regime suppliers; agreed at the 12 May interagency",
                ),
                label_for=ids.ITEMS_OVERRIDE_REASON,
                feedback=dbc.FormFeedback(id=ids.ITEMS_OVERRIDE_REASON_FEEDBACK, type="invalid"),
            ),
            field(
                "Analyst",
                dbc.Input(
                    id=ids.ITEMS_OVERRIDE_AUTHOR, placeholder="your name", persistence=True, persistence_type="local"
                ),
                label_for=ids.ITEMS_OVERRIDE_AUTHOR,
                feedback=dbc.FormFeedback(id=ids.ITEMS_OVERRIDE_AUTHOR_FEEDBACK, type="invalid"),
            ),
            dbc.Button("Record override", id=ids.ITEMS_OVERRIDE_SAVE, color="primary", size="sm"),
            html.Div(id=ids.ITEMS_OVERRIDE_FEEDBACK, className="mt-2", role="status"),
        ],
        className="panel-section override-form",
    )


def potential_graph(figure: object) -> dcc.Graph:
    """The potential-vs-actual chart, drawn into its fold when the fold is first opened: a page
    whose fold stays closed loads no plotly.js."""
    return dcc.Graph(id=ids.ITEMS_POTENTIAL, figure=figure, config=GRAPH_CONFIG, style={"height": "470px"})


def layout(state: AppState, partner: str) -> html.Div:
    ds = state.dataset()
    analyst = auth.view_role() == "analyst"
    # an ally's page carries no tier vocabulary at all: no tier filter, no override form (only the
    # empty widgets the shared callbacks name, hidden)
    tiers = (
        dbc.Checklist(
            id=ids.ITEMS_TIERS,
            inline=True,
            value=list(TIER_ORDER),
            options=[{"label": t, "value": t} for t in TIER_ORDER],
        )
        if analyst
        else html.Div(dbc.Checklist(id=ids.ITEMS_TIERS, value=[], options=[]), hidden=True)
    )
    years = item_years(ds)
    year = years[-1] if years else None
    # the grid comes with its first rows (this partner, the latest year, every tier), so the first
    # render waits for no callback; the grid callback runs when a control changes
    try:
        rows, columns, summary = grid_view(ds, partner, year, None, "internal" if analyst else "ally")
        alert = None
    except DecontrolError as exc:
        rows, columns, summary, alert = [], [], [], error_alert(exc.message, exc.details)
    controls = dbc.Row(
        [
            dbc.Col(
                field(
                    "Partner",
                    dbc.Select(id=ids.ITEMS_PARTNER, options=partner_options(ds), value=partner),
                    label_for=ids.ITEMS_PARTNER,
                ),
                md=3,
            ),
            dbc.Col(
                field(
                    "Trade year",
                    dbc.Select(id=ids.ITEMS_YEAR, options=[{"label": str(y), "value": y} for y in years], value=year),
                    label_for=ids.ITEMS_YEAR,
                ),
                md=2,
            ),
            dbc.Col(
                field(
                    "Quick search",
                    dbc.Input(
                        id=ids.ITEMS_SEARCH,
                        type="search",
                        debounce=False,
                        placeholder="ECCN, heading, HS code (845891), product (lathe)…",
                    ),
                    label_for=ids.ITEMS_SEARCH,
                ),
                md=3,
            ),
            dbc.Col(field("Tiers", tiers, label_for=ids.ITEMS_TIERS) if analyst else tiers, md=4),
        ],
        className="g-3 align-items-end",
    )
    grid = dag.AgGrid(
        id=ids.ITEMS_GRID,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "floatingFilter": False},
        dashGridOptions={
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "animateRows": False,
            "rowHeight": 32,
            "headerHeight": 36,
            "tooltipShowDelay": 400,
            "quickFilterText": "",
            "includeHiddenColumnsInQuickFilter": True,  # the hidden HS codes and names (logic.items.SEARCH_COLUMN)
            "localeText": {"noRowsToShow": "No items match these tiers and this search."},
        },
        getRowId="params.data.eccn",
        style={"height": "calc(100vh - 245px)", "minHeight": "360px"},
    )
    # the panel as it is before a row is picked (the panel callback runs on a pick or an override)
    title, body, _tier = panel_view(ds, None, partner, year)
    panel = dbc.Offcanvas(
        [
            dcc.Loading(html.Div(body, id=ids.ITEMS_PANEL_BODY), type="dot", delay_show=250),
            _override_form() if analyst else html.Div(dbc.Select(id=ids.ITEMS_OVERRIDE_TIER, options=[]), hidden=True),
        ],
        id=ids.ITEMS_PANEL,
        title=title,
        placement="end",
        is_open=False,
        scrollable=True,
        className="item-panel",
    )
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-2"),
            controls,
            html.Div(alert, id=ids.ITEMS_ALERT),
            html.Div(id=ids.ITEMS_URL_ALERT),
            html.Div(summary, id=ids.ITEMS_SUMMARY, className="small text-muted mb-1 d-flex align-items-center"),
            html.Div(
                [
                    html.Div(id=ids.ITEMS_SEARCH_COUNT, className="small fw-semibold", role="status"),
                    download_buttons(ids.ITEMS_CSV, ids.ITEMS_XLSX, ids.ITEMS_DOWNLOAD, "The rows the grid shows"),
                ],
                className="d-flex align-items-center mb-1",
            ),
            dcc.Loading(grid, type="dot", delay_show=400),
            html.Details(
                [
                    html.Summary(
                        "Potential vs actual US exports, by item",
                        id=ids.ITEMS_POTENTIAL_SUMMARY,
                        className="small fw-semibold",
                    ),
                    dcc.Loading(html.Div(id=ids.ITEMS_POTENTIAL_BOX), type="dot", delay_show=250),
                    html.Div(id=ids.ITEMS_POTENTIAL_NOTE, className="small text-muted"),
                ],
                className="mt-2",
            ),
            html.Div(
                "Click a row (or select it with the keyboard and press Space) to open the item.",
                className="small text-muted mt-1",
            ),
            panel,
            dcc.Store(id=ids.ITEMS_SELECTED),
            dcc.Store(id=ids.ITEMS_OVERRIDE_VERSION, data=0),
        ]
    )
