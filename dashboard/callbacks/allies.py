"""Wiring of page 5, Allies: the ally panels follow the choices and positions; the coalition runs on
demand. Logic and views live in `dashboard.logic.allies`."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update, set_props
from dash.exceptions import PreventUpdate

from dashboard import auth, ids
from dashboard.components import error_alert
from dashboard.layouts.allies import PATH
from dashboard.logic import allies, downloads, url_state
from dashboard.logic.items import check_year
from dashboard.logic.package import suggested_target_bn
from dashboard.state import AppState, item_table
from optimizer.errors import DecontrolError


def register_callbacks(app: Dash, state: AppState) -> None:
    @app.callback(
        Output(ids.ALLY_PANELS, "children"),
        Output(ids.ALLY_ALERT, "children"),
        Input(ids.ALLY_PARTNER, "value"),
        Input(ids.ALLY_MEMBERS, "value"),
        Input(ids.ALLY_POSITIONS, "value"),
        prevent_initial_call=True,  # the layout carries the first panels (`layouts.allies.layout`)
    )
    @auth.analyst_only
    def _panels(partner, members, positions_text):
        return allies.panels_and_alert(state.dataset(), partner, members, positions_text)

    @app.callback(
        Output(ids.SCN_OPEN_FORM, "data", allow_duplicate=True),
        Output(ids.URL, "pathname", allow_duplicate=True),
        Output(ids.ALLY_ALERT, "children", allow_duplicate=True),
        Input(ids.ALLY_TO_BUILDER, "n_clicks"),
        State(ids.ALLY_PARTNER, "value"),
        State(ids.ALLY_MEMBERS, "value"),
        State(ids.ALLY_POSITIONS, "value"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _to_builder(n, partner, members, positions_text):
        """The stated oppositions go to the Package builder (as an opened scenario's form does)."""
        if not n:
            raise PreventUpdate
        try:
            ds = state.dataset()
            positions = allies.parse_positions(positions_text, item_table(ds, partner)["eccn"], members or [])
            year = check_year(ds, None)
            set_props(ids.URL, {"search": ""})  # another page's query is not the builder's
            return (
                allies.builder_form(partner, year, positions, suggested_target_bn(ds, partner, year)),
                "/package",
                None,
            )
        except DecontrolError as exc:
            return no_update, no_update, error_alert(exc.message, exc.details)

    @app.callback(
        Output(ids.ALLY_COALITION, "children"),
        Output(ids.ALLY_RUN_INPUTS, "data"),
        Input(ids.ALLY_RUN, "n_clicks"),
        State(ids.ALLY_PARTNER, "value"),
        State(ids.ALLY_MEMBERS, "value"),
        State(ids.ALLY_RISK_BUDGET, "value"),
        State(ids.ALLY_POSITIONS, "value"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _coalition(n, partner, members, budget, positions):
        ds = state.dataset()
        inputs = {"partner": partner, "members": members, "budget": budget, "positions": positions}
        try:
            item_ids = item_table(ds, partner)["eccn"]
            result = allies.run_coalition(ds, item_ids, partner, members, budget, positions)
            return allies.coalition_view(result), inputs
        except DecontrolError as exc:
            return error_alert(exc.message, exc.details), None

    @app.callback(
        Output(ids.ALLY_DOWNLOAD, "data"),
        Output(ids.ALLY_ALERT, "children", allow_duplicate=True),
        Input(ids.ALLY_CSV, "n_clicks"),
        Input(ids.ALLY_XLSX, "n_clicks"),
        State(ids.ALLY_RUN_INPUTS, "data"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _download(_c, _x, run):
        """The coalition shown (the inputs of its run, solved again: deterministic), written whole."""
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        if not run:
            return no_update, error_alert("Run the coalition first: there is no coalition to download.")
        ds = state.dataset()
        partner, members, budget, positions = run["partner"], run["members"], run["budget"], run["positions"]
        try:
            item_ids = item_table(ds, partner)["eccn"]
            result = allies.run_coalition(ds, item_ids, partner, members, budget, positions)
            fmt = "csv" if ctx.triggered_id == ids.ALLY_CSV else "xlsx"
            return downloads.coalition_download(result, fmt), None
        except DecontrolError as exc:
            return no_update, error_alert(exc.message, exc.details)

    # ------------------------------------------------------------------ the inputs in the address
    @app.callback(
        Output(ids.ALLY_PARTNER, "value"),
        Output(ids.ALLY_MEMBERS, "value"),
        Output(ids.ALLY_RISK_BUDGET, "value"),
        Output(ids.ALLY_POSITIONS, "value"),
        Output(ids.ALLY_URL_ALERT, "children"),
        Input(ids.URL, "search"),
        State(ids.URL, "pathname"),
        State(ids.ALLY_PARTNER, "value"),
        State(ids.ALLY_MEMBERS, "value"),
        State(ids.ALLY_RISK_BUDGET, "value"),
        State(ids.ALLY_POSITIONS, "value"),
    )
    @auth.analyst_only
    def _from_url(search, pathname, partner, members, budget, positions):
        """URL -> inputs (only what differs is set); the coalition still waits for its Run button."""
        if not url_state.same_path(pathname, PATH):
            return (no_update,) * 5
        view = url_state.allies_url_view(state.dataset(), search, allies.ALLY_CHOICES)
        v = view.values
        return (
            v["partner"] if v.get("partner", partner) != partner else no_update,
            v["members"] if "members" in v and set(v["members"]) != set(members or []) else no_update,
            v["budget"] if "budget" in v and not url_state.same_value(v["budget"], budget) else no_update,
            v["positions"] if "positions" in v and v["positions"].strip() != (positions or "").strip() else no_update,
            url_state.problems_alert(view),
        )

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.ALLY_PARTNER, "value"),
        Input(ids.ALLY_MEMBERS, "value"),
        Input(ids.ALLY_RISK_BUDGET, "value"),
        Input(ids.ALLY_POSITIONS, "value"),
        State(ids.URL, "search"),
        State(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _to_url(partner, members, budget, positions, search, pathname):
        """Inputs -> URL: a copied link reopens the same partner, coalition, budget and positions."""
        if not url_state.same_path(pathname, PATH):
            return no_update
        q = url_state.allies_query(partner, members, budget, positions, allies.ALLY_CHOICES)
        return no_update if q == (search or "") else q
