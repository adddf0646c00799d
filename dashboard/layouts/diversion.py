"""Layout of the Diversion page: target and filters, provenance banner, ranking, pair chart, hub matrix."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import auth, ids
from dashboard.components import field, figure_card
from dashboard.logic.diversion import target_options, tier_options
from dashboard.state import AppState

PATH = "/diversion"
NAME = "Diversion"
TITLE = "Diversion and transshipment signals"


def layout(state: AppState, partner: str) -> html.Div:
    target = "CHN" if partner == "CHN" else "RUS"
    controls = dbc.Row(
        [
            dbc.Col(
                field(
                    "Target",
                    dbc.Select(id=ids.DIV_TARGET, options=target_options(), value=target),
                    label_for=ids.DIV_TARGET,
                ),
                md=3,
            ),
            dbc.Col(
                field(
                    "CHPL tiers (none ticked: all CHPL and mapped codes)",
                    dbc.Checklist(id=ids.DIV_TIERS, options=tier_options(), value=[], inline=True),
                    label_for=ids.DIV_TIERS,
                ),
                md=5,
            ),
            dbc.Col(
                field(
                    "CCL item (ECCN prefix)",
                    dbc.Input(id=ids.DIV_ECCN, placeholder="e.g. 3A001", debounce=True),
                    "Analysts only: the ECCN mapping is analyst-made.",
                    label_for=ids.DIV_ECCN,
                ),
                md=2,
                style={"display": "none"} if auth.view_role() != "analyst" else {},
            ),
            dbc.Col(
                [
                    dbc.Button("CSV", id=ids.DIV_CSV, size="sm", color="secondary", className="me-1"),
                    dbc.Button("XLSX", id=ids.DIV_XLSX, size="sm", color="secondary"),
                    dcc.Download(id=ids.DIV_DOWNLOAD),
                ],
                md=2,
                className="text-end",
            ),
        ],
        className="g-3 align-items-end",
    )
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-2"),
            controls,
            html.Div(id=ids.DIV_ALERT, role="status"),
            html.Div(id=ids.DIV_BANNER),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                dcc.Loading(html.Div(id=ids.DIV_TABLE), type="dot", delay_show=250),
                                className="p-2",
                                style={"overflowX": "auto"},
                            )
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        [
                            field("Pair", dcc.Dropdown(id=ids.DIV_PAIR, clearable=False), label_for=ids.DIV_PAIR),
                            figure_card(ids.DIV_PAIR_FIGURE, height=460),
                        ],
                        lg=5,
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row([dbc.Col(figure_card(ids.DIV_MATRIX, height=380), lg=7)], className="g-2"),
        ]
    )
