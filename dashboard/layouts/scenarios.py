"""Layout of page 4, Scenarios: save and manage scenarios (analysts), compare them side by side and
download their briefing (everyone; an ally sees and downloads the ally view only)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html, no_update

from dashboard import auth, ids
from dashboard.components import download_buttons, field
from dashboard.figures.common import empty_figure, empty_figure_message, is_empty_figure
from dashboard.state import AppState

PATH = "/scenarios"
NAME = "Scenarios"
TITLE = "Saved scenarios and comparison"
GRAPH_CONFIG: dcc.Graph.Config = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def frontier_area(figure: Any) -> Any:
    """The overlaid frontiers' graph, or, while there is nothing to overlay (an `empty_figure`), its
    message as text of the graph's height: the page loads no plotly.js until a comparison is drawn."""
    if figure is no_update:
        return no_update
    if is_empty_figure(figure):
        return html.Div(
            empty_figure_message(figure),
            className="text-muted small d-flex align-items-center justify-content-center text-center",
            style={"height": "320px"},
        )
    return dcc.Graph(id=ids.CMP_FRONTIER, config=GRAPH_CONFIG, figure=figure)


def _card(title: str, body: list, **kw) -> dbc.Card:
    return dbc.Card(dbc.CardBody([html.H2(title, className="h6"), *body], className="p-2"), className="mb-2", **kw)


def _manage() -> list:
    """Analyst-only cards: save the builder's last run; open, rename, duplicate, delete."""
    return [
        _card(
            "Save the Package builder's last run",
            [
                html.Div(id=ids.SCN_CURRENT_NOTE, className="small text-muted mb-2"),
                field(
                    "Scenario name",
                    dbc.Input(id=ids.SCN_NAME, size="sm", placeholder="e.g. China 2.5bn, no KOR objections"),
                    label_for=ids.SCN_NAME,
                ),
                dbc.Button("Save", id=ids.SCN_SAVE, color="primary", size="sm"),
                html.Div(id=ids.SCN_FEEDBACK, className="mt-2", role="status"),
            ],
        ),
        _card(
            "Manage the chosen scenario",
            [
                field(
                    "New name (rename or copy)", dbc.Input(id=ids.SCN_NEW_NAME, size="sm"), label_for=ids.SCN_NEW_NAME
                ),
                html.Div(
                    [
                        dbc.Button(
                            "Open in builder", id=ids.SCN_OPEN, color="primary", size="sm", className="me-1 mb-1"
                        ),
                        dbc.Button(
                            "Rename",
                            id=ids.SCN_RENAME,
                            color="secondary",
                            outline=True,
                            size="sm",
                            className="me-1 mb-1",
                        ),
                        dbc.Button(
                            "Duplicate",
                            id=ids.SCN_DUPLICATE,
                            color="secondary",
                            outline=True,
                            size="sm",
                            className="me-1 mb-1",
                        ),
                        dbc.Button(
                            "Delete", id=ids.SCN_DELETE, color="danger", outline=True, size="sm", className="mb-1"
                        ),
                    ]
                ),
                field(
                    "Shareable title (what allies see; never the name above; empty: not shared)",
                    dbc.Input(id=ids.SCN_SHARED_TITLE, size="sm", placeholder="e.g. Option B"),
                    label_for=ids.SCN_SHARED_TITLE,
                ),
                dbc.Button(
                    "Share with allies under this title",
                    id=ids.SCN_SHARE,
                    color="secondary",
                    outline=True,
                    size="sm",
                    className="mb-1",
                ),
                html.Div(id=ids.SCN_ACTION_FEEDBACK, className="mt-1", role="status"),
            ],
        ),
    ]


def layout(state: AppState, partner: str) -> html.Div:
    analyst = auth.view_role() == "analyst"
    pick = field("Scenario", dbc.Select(id=ids.CMP_PICK, size="sm", options=[]), label_for=ids.CMP_PICK)
    brief = _card(
        "Briefing for the chosen scenario",
        [
            field(
                "Handling marking (every slide)",
                dbc.Input(
                    id=ids.CMP_MARKING,
                    size="sm",
                    maxLength=120,
                    placeholder="default CUI; ally view CUI//REL TO USA, … or CUI//DISPLAY ONLY",
                ),
                label_for=ids.CMP_MARKING,
            ),
            html.Div(
                [
                    dbc.Button("Deck (PPTX)", id=ids.CMP_BRIEF_PPTX, color="primary", size="sm", className="me-1"),
                    dbc.Button("Workbook (XLSX)", id=ids.CMP_BRIEF_XLSX, color="primary", outline=True, size="sm"),
                ]
            ),
            dcc.Loading(
                html.Div(id=ids.CMP_BRIEF_FEEDBACK, className="small mt-2", role="status"), type="dot", delay_show=300
            ),
            dcc.Download(id=ids.CMP_DOWNLOAD),
        ],
    )
    left = [_card("Choose", [pick]), *(_manage() if analyst else []), brief]
    right = [
        _card("Saved scenarios", [dcc.Loading(html.Div(id=ids.CMP_LIST), type="dot", delay_show=300)]),
        _card(
            "Compare side by side",
            [
                field(
                    "Scenarios to compare (the first is the base of the diff)",
                    dbc.Checklist(id=ids.CMP_SELECT, options=[], value=[], inline=True),
                    label_for=ids.CMP_SELECT,
                ),
                html.Div(id=ids.CMP_TOTALS),
                download_buttons(ids.CMP_CSV, ids.CMP_XLSX, ids.CMP_TABLE_DOWNLOAD, "The comparison"),
                html.Div(id=ids.CMP_DIFF),
                dcc.Loading(
                    html.Div(
                        frontier_area(empty_figure("Choose two or more saved scenarios to overlay their frontiers.")),
                        id=ids.CMP_FRONTIER_BOX,
                    ),
                    type="dot",
                    delay_show=300,
                ),
            ],
        ),
    ]
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-2"),
            html.Div(id=ids.CMP_ALERT),
            html.Div(id=ids.CMP_URL_ALERT),
            dbc.Row([dbc.Col(left, lg=4), dbc.Col(right, lg=8)], className="g-2"),
            dcc.Store(id=ids.SCN_LIST_VERSION, data=0),
        ]
    )
