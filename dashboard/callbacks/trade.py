"""Wiring of page 1, Trade: each callback is one call to a view function of `logic.trade`."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from dashboard import auth, ids
from dashboard.callbacks.common import guarded
from dashboard.layouts.trade import PATH
from dashboard.logic import drill, trade, url_state
from dashboard.state import AppState


def register_callbacks(app: Dash, state: AppState) -> None:
    @app.callback(
        Output(ids.TRADE_KPIS, "children"),
        Output(ids.TRADE_SERIES, "figure"),
        Output(ids.TRADE_SHOWN, "data"),
        Input(ids.TRADE_PARTNER, "value"),
        Input(ids.TRADE_YEARS, "value"),
    )
    @guarded(ids.TRADE_ALERT, 3)
    @auth.shared
    def _totals(partner, years):
        """The top of the page first: the long lists under it (events, drill-down: hundreds of
        components, each costing the browser on every update) follow `TRADE_SHOWN`, set here."""
        kpis, series = trade.totals_view(state.dataset(), partner, years)
        return kpis, series, {"partner": partner, "years": years}

    @app.callback(
        Output(ids.TRADE_EVENTS, "children"),
        Output(ids.TRADE_EVENTS_ALL, "children"),
        Output(ids.TRADE_EVENTS_ALL, "hidden"),
        Input(ids.TRADE_SHOWN, "data"),
        Input(ids.TRADE_EVENTS_ALL, "n_clicks"),
    )
    @guarded(ids.TRADE_ALERT, 3)
    @auth.shared  # public facts (the events table): the same for allies
    def _events(shown, clicks):
        if not shown:
            return no_update, no_update, no_update
        return trade.events_view(state.dataset(), shown["partner"], shown["years"], clicks)

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

    @app.callback(
        Output(ids.TRADE_DRILL, "data", allow_duplicate=True),
        Input({"type": ids.TRADE_DRILL_ROW, "code": ALL}, "n_clicks"),
        Input({"type": ids.TRADE_DRILL_CRUMB, "code": ALL}, "n_clicks"),
        Input(ids.TRADE_COMPOSITION, "clickData"),
        State(ids.TRADE_DRILL, "data"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _drill_to(_rows, _crumbs, bar, current):
        """A row or a chapter bar drills one level down, a crumb back up (rows appearing with no
        click change nothing)."""
        # a bar click counts also when the drill rows appeared in the same update (they now come
        # after the totals, so a quick click can land with them)
        if f"{ids.TRADE_COMPOSITION}.clickData" in ctx.triggered_prop_ids:
            chapter = drill.chapter_from_click(bar)
            return chapter if chapter and chapter != current else no_update
        target = drill.drill_target(ctx.triggered_id, ctx.triggered[0]["value"] if ctx.triggered else None, current)
        return no_update if target is None else target

    @app.callback(
        Output(ids.TRADE_DRILL_CRUMBS, "children"),
        Output(ids.TRADE_DRILL_BODY, "children"),
        Output(ids.TRADE_DRILL_ALL, "children"),
        Output(ids.TRADE_DRILL_ALL, "hidden"),
        Input(ids.TRADE_DRILL, "data"),
        Input(ids.TRADE_SHOWN, "data"),
        Input(ids.TRADE_FLOW, "value"),
        Input(ids.ALLY_PREVIEW, "value"),
        Input(ids.TRADE_DRILL_ALL, "n_clicks"),
    )
    @guarded(ids.TRADE_ALERT, 4)
    @auth.shared
    def _drill(prefix, shown, flow, preview, clicks):
        if not shown:
            return (no_update,) * 4
        ds, audience = state.dataset(), auth.audience(preview)
        return drill.drill_view(ds, shown["partner"], shown["years"], flow, prefix, audience, clicks)

    @app.callback(
        Output(ids.TRADE_PARTNER, "value"),
        Output(ids.TRADE_YEARS, "value"),
        Output(ids.TRADE_FLOW, "value"),
        Output(ids.TRADE_DRILL, "data", allow_duplicate=True),
        Output(ids.TRADE_URL_ALERT, "children"),
        Input(ids.URL, "search"),
        State(ids.URL, "pathname"),
        State(ids.TRADE_PARTNER, "value"),
        State(ids.TRADE_YEARS, "value"),
        State(ids.TRADE_FLOW, "value"),
        State(ids.TRADE_DRILL, "data"),
        prevent_initial_call="initial_duplicate",
    )
    @auth.shared
    def _from_url(search, pathname, partner, years, flow, prefix):
        """URL -> controls: only what differs is set, so the URL writer below finds nothing to change."""
        if not url_state.same_path(pathname, PATH):
            return (no_update,) * 5
        view = url_state.trade_url_view(state.dataset(), search)
        v = view.values
        alert = url_state.problems_alert(view)
        return (
            v["partner"] if v.get("partner", partner) != partner else no_update,
            v["years"] if v.get("years", years) != years else no_update,
            v["flow"] if v.get("flow", flow) != flow else no_update,
            v.get("hs", "") if v.get("hs", "") != (prefix or "") else no_update,
            alert,
        )

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.TRADE_PARTNER, "value"),
        Input(ids.TRADE_YEARS, "value"),
        Input(ids.TRADE_FLOW, "value"),
        Input(ids.TRADE_DRILL, "data"),
        State(ids.URL, "search"),
        State(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _to_url(partner, years, flow, prefix, search, pathname):
        """Controls -> URL: the address says what the page shows, so a copied link reopens it."""
        if not url_state.same_path(pathname, PATH):
            return no_update
        q = url_state.query_string(
            {"partner": partner, "years": url_state.years_param(years), "flow": flow, "hs": prefix or None}
        )
        return no_update if q == (search or "") else q
