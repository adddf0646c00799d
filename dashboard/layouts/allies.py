"""Layout of page 5, Allies: a panel per ally, their positions, and the coalition package next to the
US-only optimum (analyst only: positions and risk budgets are internal)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import download_buttons, empty_state, field
from dashboard.logic.allies import ALLY_CHOICES, DEFAULT_MEMBERS, POSITIONS_HELP, panels_and_alert
from dashboard.logic.trade import partner_options
from dashboard.state import AppState

PATH = "/allies"
NAME = "Allies"
TITLE = "Allies and coalition mode"


def layout(state: AppState, partner: str) -> html.Div:
    ds = state.dataset()
    # the panels come with the page (this partner, the default members, no positions), so the first
    # render waits for no callback; the panels callback runs when a choice changes
    panels, alert = panels_and_alert(ds, partner, list(DEFAULT_MEMBERS), None)
    controls = dbc.Row(
        [
            dbc.Col(
                field(
                    "Partner",
                    dbc.Select(id=ids.ALLY_PARTNER, options=partner_options(ds), value=partner, size="sm"),
                    label_for=ids.ALLY_PARTNER,
                ),
                md=2,
            ),
            dbc.Col(
                field(
                    "Coalition allies (the US is always a member)",
                    dbc.Checklist(
                        id=ids.ALLY_MEMBERS,
                        inline=True,
                        value=list(DEFAULT_MEMBERS),
                        options=[{"label": c, "value": c} for c in ALLY_CHOICES],
                    ),
                    label_for=ids.ALLY_MEMBERS,
                ),
                md=5,
            ),
            dbc.Col(
                field(
                    "Shared risk budget (points)",
                    dbc.Input(id=ids.ALLY_RISK_BUDGET, type="number", min=0, step=0.5, value=1, size="sm"),
                    label_for=ids.ALLY_RISK_BUDGET,
                ),
                md=2,
            ),
            dbc.Col(dbc.Button("Run coalition", id=ids.ALLY_RUN, color="primary", size="sm", className="w-100"), md=3),
        ],
        className="g-2 align-items-end",
    )
    positions = field(
        "Allies' positions per item or group (an opposed item stays out of the coalition package)",
        dbc.Textarea(id=ids.ALLY_POSITIONS, rows=3, debounce=True, placeholder="JPN 3A991 oppose\nNLD 3B* support"),
        help_text=POSITIONS_HELP,
        label_for=ids.ALLY_POSITIONS,
    )
    to_builder = dbc.Button(
        "Open the Package builder with these oppositions",
        id=ids.ALLY_TO_BUILDER,
        color="primary",
        outline=True,
        size="sm",
        className="mb-2",
        title="The US-only package in the builder then leaves out every item an ally opposes "
        "(the builder takes GBR, JPN, AUS, NLD and KOR positions)",
    )
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-2"),
            controls,
            html.Div(id=ids.ALLY_URL_ALERT),
            positions,
            to_builder,
            html.Div(alert, id=ids.ALLY_ALERT, role="status"),
            dcc.Loading(  # the panels come with the layout: no spinner over them on mount
                html.Div(panels, id=ids.ALLY_PANELS, className="mb-2"), type="dot", delay_show=300, show_initially=False
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        dcc.Loading(
                            html.Div(
                                empty_state(
                                    "No coalition run yet.",
                                    "Run coalition compares the package that gives every member the largest equal share of "
                                    "what it could gain (max-min) with the US-only optimum, under the same risk budget.",
                                ),
                                id=ids.ALLY_COALITION,
                            ),
                            type="dot",
                            delay_show=300,
                        ),
                        download_buttons(ids.ALLY_CSV, ids.ALLY_XLSX, ids.ALLY_DOWNLOAD, "The coalition run"),
                        dcc.Store(id=ids.ALLY_RUN_INPUTS),
                    ],
                    className="p-2",
                )
            ),
        ]
    )
