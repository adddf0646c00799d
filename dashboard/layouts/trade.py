"""Layout of page 1, Trade: partner and years, KPIs, totals with events, composition, controlled trade."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import field, figure_card, show_all_toggle
from dashboard.logic.trade import partner_options, totals_years
from dashboard.state import AppState

PATH = "/"
NAME = "Trade"
TITLE = "US trade with the partner"


def layout(state: AppState, partner: str) -> html.Div:
    ds = state.dataset()
    years = totals_years(ds)
    controls = dbc.Row(
        [
            dbc.Col(
                field(
                    "Partner",
                    dbc.Select(id=ids.TRADE_PARTNER, options=partner_options(ds), value=partner),
                    label_for=ids.TRADE_PARTNER,
                ),
                md=3,
            ),
            dbc.Col(
                field(
                    "Years (trade totals: real, Census basis)",
                    dcc.RangeSlider(
                        id=ids.TRADE_YEARS,
                        min=years[0],
                        max=years[-1],
                        step=1,
                        value=[years[0], years[-1]],
                        marks={y: str(y) for y in years},
                        allowCross=False,
                        tooltip={"placement": "bottom"},
                    ),
                    "KPIs and the breakdowns use the last year of the range.",
                    label_for=ids.TRADE_YEARS,
                ),
                md=6,
            ),
            dbc.Col(
                field(
                    "Breakdown of",
                    dbc.RadioItems(
                        id=ids.TRADE_FLOW,
                        inline=True,
                        value="exports",
                        options=[
                            {"label": "US exports", "value": "exports"},
                            {"label": "US imports", "value": "imports"},
                        ],
                    ),
                    label_for=ids.TRADE_FLOW,
                ),
                md=3,
            ),
        ],
        className="g-3 align-items-end",
    )
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-2"),
            controls,
            html.Div(id=ids.TRADE_ALERT),
            html.Div(id=ids.TRADE_URL_ALERT),
            dcc.Loading(dbc.Row(id=ids.TRADE_KPIS, className="g-2 mb-2"), type="dot", delay_show=250),
            dbc.Row(
                [
                    dbc.Col(figure_card(ids.TRADE_SERIES), lg=7),
                    dbc.Col(figure_card(ids.TRADE_COMPOSITION, ids.TRADE_COMPOSITION_NOTE), lg=5),
                ],
                className="g-2 mb-2",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        dcc.Loading(html.Div(id=ids.TRADE_EVENTS), type="dot", delay_show=250),
                        show_all_toggle(ids.TRADE_EVENTS_ALL),
                    ],
                    className="p-2",
                ),
                className="mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(figure_card(ids.TRADE_CONTROLLED, ids.TRADE_CONTROLLED_NOTE), lg=7),
                    dbc.Col(
                        dbc.Card(dbc.CardBody(id=ids.TRADE_CONTROLLED_TABLE, className="p-2"), className="h-100"), lg=5
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(id=ids.TRADE_DRILL_CRUMBS),
                        dcc.Loading(html.Div(id=ids.TRADE_DRILL_BODY), type="dot", delay_show=250),
                        show_all_toggle(ids.TRADE_DRILL_ALL),
                    ],
                    className="p-2",
                )
            ),
            dcc.Store(id=ids.TRADE_DRILL, data=""),
            dcc.Store(id=ids.TRADE_SHOWN),
        ]
    )
