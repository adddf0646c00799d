"""Wiring of the Gives and gets page: each callback is one call into `dashboard.logic.exchange`.

The measures and the shared exposure are part of the ally view (`@auth.shared`, whitelisted fields);
the two-sided optimizer, saving and briefing are the analyst's (`@auth.analyst_only`). Results are
recomputed on the server from the run's parameters, never taken from the browser.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import auth, ids
from dashboard.callbacks.common import guarded
from dashboard.components import empty_state, error_alert
from dashboard.figures.common import empty_figure
from dashboard.logic import exchange
from dashboard.state import AppState
from optimizer.errors import DecontrolError


def register_callbacks(app: Dash, state: AppState) -> None:
    @app.callback(
        Output(ids.EXG_MEASURES_BANNER, "children"),
        Output(ids.EXG_MEASURES, "children"),
        Output(ids.EXG_EXPOSURE, "figure"),
        Input(ids.EXG_PARTNER, "value"),
        Input(ids.EXG_DATE, "value"),
        Input(ids.EXG_HORIZON, "value"),
        Input(ids.EXG_MEMBERS, "value"),
        Input(ids.EXG_UNSOURCED, "value"),
        Input(ids.ALLY_PREVIEW, "value"),
    )
    @guarded(ids.EXG_ALERT, 3)
    @auth.shared
    def _measures(partner: Any, day: Any, horizon: Any, members: Any, unsourced: Any, preview: Any) -> Any:
        v = exchange.measures_view(state.dataset(), partner, day, horizon, members, unsourced, auth.audience(preview))
        return v.banner, v.table, v.figure

    @app.callback(
        Output(ids.EXG_STATUS, "children"),
        Output(ids.EXG_KPIS, "children"),
        Output(ids.EXG_GIVES, "children"),
        Output(ids.EXG_GETS, "children"),
        Output(ids.EXG_BALANCE_FIGURE, "figure"),
        Output(ids.EXG_REFERENCES, "children"),
        Output(ids.EXG_PARAMS, "data"),
        Input(ids.EXG_RUN, "n_clicks"),
        State(ids.EXG_PARTNER, "value"),
        State(ids.EXG_DATE, "value"),
        State(ids.EXG_HORIZON, "value"),
        State(ids.EXG_BALANCE, "value"),
        State(ids.EXG_RISK_PRICE, "value"),
        State(ids.EXG_PREMIUM, "value"),
        State(ids.EXG_UNSOURCED, "value"),
        State(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _run(
        n: Any,
        partner: Any,
        day: Any,
        horizon: Any,
        balance: Any,
        price: Any,
        premium: Any,
        unsourced: Any,
        preview: Any,
    ) -> Any:
        if not n:
            raise PreventUpdate
        if auth.audience(preview) == "ally":
            note = empty_state("Hidden in the ally view.", "Allies see the measures and the shared exposure only.")
            return note, None, None, None, empty_figure("Hidden in the ally view."), None, None
        ds = state.dataset()
        try:
            p = exchange.params_from_form(partner, day, horizon, balance, price, premium, unsourced)
            report = exchange.run_exchange(ds, p)
            v = exchange.ledger_view(ds, report, exchange.references(ds, p.partner, p.settings()))
        except DecontrolError as exc:
            return error_alert(exc.message, exc.details), no_update, no_update, no_update, no_update, no_update, None
        return v.status, v.kpis, v.gives, v.gets, v.figure, v.references, p.to_dict()

    @app.callback(
        Output(ids.EXG_SAVE_FEEDBACK, "children"),
        Input(ids.EXG_SAVE, "n_clicks"),
        State(ids.EXG_SAVE_NAME, "value"),
        State(ids.EXG_PARAMS, "data"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _save(n: Any, name: Any, params: Any) -> Any:
        if not n:
            raise PreventUpdate
        message, ok = exchange.save_exchange(state.scenario_store(), state.dataset(), name, params, auth.author_name())
        return html.Span(message, className="text-success" if ok else "text-danger")

    @app.callback(
        Output(ids.EXG_DOWNLOAD, "data"),
        Input(ids.EXG_SLIDE, "n_clicks"),
        Input(ids.EXG_XLSX, "n_clicks"),
        State(ids.EXG_PARAMS, "data"),
        prevent_initial_call=True,
    )
    @guarded(ids.EXG_SAVE_FEEDBACK, 1)
    @auth.analyst_only
    def _download(_slide: Any, _xlsx: Any, params: Any) -> Any:
        if ctx.triggered_id not in (ids.EXG_SLIDE, ids.EXG_XLSX):
            return no_update
        return exchange.download(state.dataset(), params, "pptx" if ctx.triggered_id == ids.EXG_SLIDE else "xlsx")
