"""Layout of the Gives and gets page: the partner's measures on a date with who shares the exposure to
them (both roles), and for analysts the two-sided optimizer, its ledger side by side, the balance next
to the reference exchanges, saving and briefing. An ally's page holds the shared part only."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import auth, ids
from dashboard.components import empty_state, field, figure_card
from dashboard.logic.exchange import DEFAULT_MEMBERS, MEMBER_CHOICES, partner_options, today
from dashboard.state import AppState

PATH = "/exchange"
NAME = "Gives and gets"
TITLE = "Gives and gets: the partner's controls and a two-sided exchange"


def layout(state: AppState, partner: str) -> html.Div:
    ds = state.dataset()
    options = partner_options(ds)
    chosen = partner if any(o["value"] == partner for o in options) else (options[0]["value"] if options else None)
    shared = dbc.Row(
        [
            dbc.Col(
                field(
                    "Partner",
                    dbc.Select(id=ids.EXG_PARTNER, options=options, value=chosen, size="sm"),
                    label_for=ids.EXG_PARTNER,
                ),
                md=2,
            ),
            dbc.Col(
                field(
                    "Status on",
                    dbc.Input(id=ids.EXG_DATE, type="date", value=today(), size="sm", debounce=True),
                    label_for=ids.EXG_DATE,
                ),
                md=2,
            ),
            dbc.Col(
                field(
                    "Horizon (days)",
                    dbc.Input(id=ids.EXG_HORIZON, type="number", min=0, step=1, value=90, size="sm", debounce=True),
                    "a suspension lapsing within it is flagged",
                    label_for=ids.EXG_HORIZON,
                ),
                md=2,
            ),
            dbc.Col(
                field(
                    "Allies sharing the exposure",
                    dbc.Checklist(
                        id=ids.EXG_MEMBERS,
                        inline=True,
                        value=list(DEFAULT_MEMBERS),
                        options=[{"label": c, "value": c} for c in MEMBER_CHOICES],
                    ),
                    label_for=ids.EXG_MEMBERS,
                ),
                md=4,
            ),
            dbc.Col(
                dbc.Switch(id=ids.EXG_UNSOURCED, label="Use unsourced HS candidates (labelled)", value=False),
                md=2,
                className="small",
            ),
        ],
        className="g-2 align-items-end",
    )
    measures = dbc.Row(
        [
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        dcc.Loading(html.Div(id=ids.EXG_MEASURES), type="dot", delay_show=250),
                        className="p-2",
                        style={"overflowX": "auto", "maxHeight": "460px", "overflowY": "auto"},
                    )
                ),
                lg=7,
            ),
            dbc.Col(figure_card(ids.EXG_EXPOSURE, height=440), lg=5),
        ],
        className="g-2 mb-2",
    )
    children: list[Any] = [
        html.H1(TITLE, className="h4 mb-2"),
        shared,
        html.Div(id=ids.EXG_ALERT, role="status"),
        html.Div(id=ids.EXG_MEASURES_BANNER),
        measures,
    ]
    if auth.view_role() == "analyst":
        children += _optimizer()
    return html.Div(children)


def _optimizer() -> list[Any]:
    """The analyst's part: the two-sided optimizer, the ledger, the balance, saving and briefing."""
    controls = dbc.Row(
        [
            dbc.Col(
                field(
                    "Balance: partner's gain / US gain",
                    dbc.Input(id=ids.EXG_BALANCE, value="1", size="sm", debounce=True),
                    "at least a share (1), a band LOW:HIGH (0.8:1.5), or fair (the max-min split of gains)",
                    label_for=ids.EXG_BALANCE,
                ),
                md=3,
            ),
            dbc.Col(
                field(
                    "Risk price (US$ m per point)",
                    dbc.Input(id=ids.EXG_RISK_PRICE, type="number", min=0, value=10, size="sm", debounce=True),
                    "what a point of security risk of the gives costs the US",
                    label_for=ids.EXG_RISK_PRICE,
                ),
                md=3,
            ),
            dbc.Col(
                field(
                    "Supply premium",
                    dbc.Input(
                        id=ids.EXG_PREMIUM, type="number", min=0, max=1, step=0.05, value=0.25, size="sm", debounce=True
                    ),
                    "share of US imports at risk that relief secures",
                    label_for=ids.EXG_PREMIUM,
                ),
                md=2,
            ),
            dbc.Col(
                dbc.Button(
                    "Run the two-sided optimizer", id=ids.EXG_RUN, color="primary", size="sm", className="w-100"
                ),
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Button("Slide", id=ids.EXG_SLIDE, size="sm", color="secondary", className="me-1"),
                    dbc.Button("Workbook", id=ids.EXG_XLSX, size="sm", color="secondary"),
                    dcc.Download(id=ids.EXG_DOWNLOAD),
                ],
                md=2,
                className="text-end",
            ),
        ],
        className="g-2 align-items-end mt-1",
    )
    save = dbc.InputGroup(
        [
            dbc.Input(id=ids.EXG_SAVE_NAME, placeholder="scenario name", size="sm"),
            dbc.Button("Save as scenario", id=ids.EXG_SAVE, size="sm", color="primary", outline=True),
        ],
        size="sm",
        className="mb-1",
    )
    ledger = dbc.Row(
        [
            dbc.Col(
                dbc.Card(
                    [
                        dbc.CardHeader("US gives (decontrol): the partner's gain", className="py-1 small fw-semibold"),
                        dbc.CardBody(html.Div(id=ids.EXG_GIVES), className="p-2"),
                    ],
                    className="h-100",
                ),
                lg=5,
            ),
            dbc.Col(
                dbc.Card(
                    [
                        dbc.CardHeader(
                            "US gets (relief of the partner's measures)", className="py-1 small fw-semibold"
                        ),
                        dbc.CardBody(html.Div(id=ids.EXG_GETS), className="p-2"),
                    ],
                    className="h-100",
                ),
                lg=7,
            ),
        ],
        className="g-2 mb-2",
    )
    return [
        html.H2("Two-sided exchange (analysts)", className="h5 mt-2 mb-1"),
        controls,
        dcc.Store(id=ids.EXG_PARAMS),
        dcc.Loading(
            html.Div(
                [
                    html.Div(
                        id=ids.EXG_STATUS,
                        children=empty_state(
                            "No exchange run yet.",
                            "Run the two-sided optimizer: it chooses US gives and US "
                            "asks together, maximising the US net gain under the "
                            "balance.",
                        ),
                    ),
                    html.Div(id=ids.EXG_KPIS),
                ]
            ),
            type="dot",
            delay_show=300,
        ),
        ledger,
        dbc.Row(
            [
                dbc.Col(figure_card(ids.EXG_BALANCE_FIGURE, height=380), lg=5),
                dbc.Col(
                    dbc.Card(
                        [
                            dbc.CardHeader(
                                "Reference exchanges of 2025, valued by the same machinery",
                                className="py-1 small fw-semibold",
                            ),
                            dbc.CardBody(
                                html.Div(id=ids.EXG_REFERENCES),
                                className="p-2",
                                style={"maxHeight": "380px", "overflowY": "auto"},
                            ),
                        ]
                    ),
                    lg=7,
                ),
            ],
            className="g-2 mb-2",
        ),
        dbc.Row([dbc.Col(save, md=5), dbc.Col(html.Div(id=ids.EXG_SAVE_FEEDBACK, className="small"), md=7)]),
    ]
