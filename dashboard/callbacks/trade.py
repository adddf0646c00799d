"""Wiring of page 1, Trade: each callback is one call to a view function of `logic.trade`."""

from __future__ import annotations

from dash import Dash, Input, Output

from dashboard import auth, ids
from dashboard.callbacks.common import guarded
from dashboard.logic import trade
from dashboard.state import AppState


def register_callbacks(app: Dash, state: AppState) -> None:
    @app.callback(
        Output(ids.TRADE_KPIS, "children"),
        Output(ids.TRADE_SERIES, "figure"),
        Input(ids.TRADE_PARTNER, "value"),
        Input(ids.TRADE_YEARS, "value"),
    )
    @guarded(ids.TRADE_ALERT, 2)
    @auth.shared
    def _totals(partner, years):
        return trade.totals_view(state.dataset(), partner, years)

    @app.callback(
        Output(ids.TRADE_COMPOSITION, "figure"),
        Output(ids.TRADE_COMPOSITION_NOTE, "children"),
        Input(ids.TRADE_PARTNER, "value"),
        Input(ids.TRADE_YEARS, "value"),
        Input(ids.TRADE_FLOW, "value"),
    )
    @guarded(ids.TRADE_ALERT, 2)
    @auth.shared
    def _composition(partner, years, flow):
        return trade.composition_view(state.dataset(), partner, years, flow)

    @app.callback(
        Output(ids.TRADE_CONTROLLED, "figure"),
        Output(ids.TRADE_CONTROLLED_NOTE, "children"),
        Output(ids.TRADE_CONTROLLED_TABLE, "children"),
        Input(ids.TRADE_PARTNER, "value"),
        Input(ids.TRADE_YEARS, "value"),
        Input(ids.ALLY_PREVIEW, "value"),
    )
    @guarded(ids.TRADE_ALERT, 3)
    @auth.shared
    def _controlled(partner, years, preview):
        # the audience is decided on the server: an ally gets controlled trade without tiers
        return trade.controlled_view(state.dataset(), partner, years, audience=auth.audience(preview))

    @app.callback(
        Output(ids.PARTNER_STORE, "data", allow_duplicate=True),
        Input(ids.TRADE_PARTNER, "value"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _remember_partner(partner):
        return partner
