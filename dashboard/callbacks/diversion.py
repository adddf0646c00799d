"""Wiring of the Diversion page: each callback is one call to a view function of `logic.diversion`."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update

from dashboard import auth, ids
from dashboard.callbacks.common import guarded
from dashboard.logic import diversion
from dashboard.state import AppState


def register_callbacks(app: Dash, state: AppState) -> None:
    @app.callback(
        Output(ids.DIV_BANNER, "children"),
        Output(ids.DIV_TABLE, "children"),
        Output(ids.DIV_PAIR, "options"),
        Output(ids.DIV_PAIR, "value"),
        Output(ids.DIV_MATRIX, "figure"),
        Input(ids.DIV_TARGET, "value"),
        Input(ids.DIV_TIERS, "value"),
        Input(ids.DIV_ECCN, "value"),
        Input(ids.ALLY_PREVIEW, "value"),
    )
    @guarded(ids.DIV_ALERT, 5)
    @auth.shared
    def _ranking(target, tiers, eccn, preview):
        v = diversion.ranking_view(state.dataset(), target, tiers, eccn, auth.audience(preview))
        return v.banner, v.table, v.pair_options, v.pair_value, v.matrix

    @app.callback(Output(ids.DIV_PAIR_FIGURE, "figure"), Input(ids.DIV_PAIR, "value"), State(ids.DIV_TARGET, "value"))
    @guarded(ids.DIV_ALERT, 1)
    @auth.shared
    def _pair(pair, target):
        return diversion.pair_figure(state.dataset(), target, pair)

    @app.callback(
        Output(ids.DIV_DOWNLOAD, "data"),
        Input(ids.DIV_CSV, "n_clicks"),
        Input(ids.DIV_XLSX, "n_clicks"),
        State(ids.DIV_TARGET, "value"),
        State(ids.DIV_TIERS, "value"),
        State(ids.DIV_ECCN, "value"),
        State(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,
    )
    @guarded(ids.DIV_ALERT, 1)
    @auth.shared
    def _download(_csv, _xlsx, target, tiers, eccn, preview):
        if ctx.triggered_id not in (ids.DIV_CSV, ids.DIV_XLSX):
            return no_update
        fmt = "csv" if ctx.triggered_id == ids.DIV_CSV else "xlsx"
        return diversion.download(state.dataset(), target, tiers, eccn, auth.audience(preview), fmt)
