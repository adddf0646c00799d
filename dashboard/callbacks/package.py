"""Wiring of page 3, Package builder: validation as the analyst types, the run (the package at once,
then frontier and alternatives in a background job with progress and cancel), the views of a run,
frontier clicks and alternatives."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update, set_props

from dashboard import auth, ids
from dashboard.callbacks.common import guarded
from dashboard.components import error_alert
from dashboard.layouts.package import PATH, frontier_area
from dashboard.logic import downloads, package, url_state
from dashboard.logic.items import check_year
from dashboard.logic.package_inputs import form_values
from dashboard.state import AppState
from optimizer.errors import DecontrolError

#: The form's widgets, in `form_values` order.
FORM: list[tuple[str | dict[str, Any], str]] = [
    (ids.PKG_PARTNER, "value"),
    (ids.PKG_YEAR, "value"),
    (ids.PKG_TARGET, "value"),
    (ids.PKG_OBJECTIVE, "value"),
    (ids.PKG_FA_THRESHOLD, "value"),
    (ids.PKG_MAX_ITEMS, "value"),
    (ids.PKG_MODES, "value"),
    (ids.PKG_RISK_BUDGET, "value"),
    ({"type": ids.PKG_CAP, "cat": ALL}, "value"),
    (ids.PKG_LOCKS, "value"),
    (ids.PKG_FORCED, "value"),
    ({"type": ids.PKG_ALLY, "iso": ALL}, "value"),
    (ids.PKG_ALLY_POLICY, "value"),
    (ids.PKG_ALLY_PENALTY, "value"),
    (ids.PKG_COHERENCE, "value"),
    (ids.PKG_BIS_ALONE, "value"),
    (ids.PKG_NO_DIVERSION, "value"),
]

#: (input id, feedback id) of the fields with an `invalid` state, in `package.FIELDS` order.
_FIELD_IDS = {
    "target": (ids.PKG_TARGET, ids.PKG_TARGET_FEEDBACK),
    "max_items": (ids.PKG_MAX_ITEMS, ids.PKG_MAX_ITEMS_FEEDBACK),
    "modes": (None, ids.PKG_MODES_FEEDBACK),
    "risk_budget": (ids.PKG_RISK_BUDGET, ids.PKG_RISK_BUDGET_FEEDBACK),
    "caps": (None, ids.PKG_CAPS_FEEDBACK),
    "locks": (ids.PKG_LOCKS, ids.PKG_LOCKS_FEEDBACK),
    "forced": (ids.PKG_FORCED, ids.PKG_FORCED_FEEDBACK),
    "ally_penalty": (ids.PKG_ALLY_PENALTY, ids.PKG_ALLY_PENALTY_FEEDBACK),
}


def _validation_outputs() -> list[Output]:
    outs = []
    for field in package.FIELDS:
        input_id, feedback_id = _FIELD_IDS[field]
        if input_id:
            outs.append(Output(input_id, "invalid"))
        outs.append(Output(feedback_id, "children"))
    outs += [
        Output({"type": ids.PKG_ALLY, "iso": ALL}, "invalid"),
        Output({"type": ids.PKG_ALLY_FEEDBACK, "iso": ALL}, "children"),
        Output(ids.PKG_VALIDATION, "children"),
    ]
    return outs


def register_callbacks(app: Dash, state: AppState) -> None:
    @app.callback(*_validation_outputs(), *[Input(i, p) for i, p in FORM])
    @auth.analyst_only
    def _validate(*form):
        fields, allies, summary = package.validation_view(state.dataset(), form_values(*form))
        out = []
        for field in package.FIELDS:
            if _FIELD_IDS[field][0]:
                out.append(bool(fields[field]))
            out.append(fields[field])
        return (*out, [bool(m) for m in allies], allies, summary)

    @app.callback(
        Output(ids.PKG_RESULT, "data"),
        Output(ids.PKG_SHOWN, "data"),
        Output(ids.PKG_ERROR, "children"),
        Input(ids.PKG_RUN, "n_clicks"),
        Input(ids.PKG_USE_MAX, "n_clicks"),
        Input(ids.PKG_TARGET, "value"),
        *[State(i, p) for i, p in FORM],
        State(ids.PKG_RESULT, "data"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _run(_run_clicks, _use_clicks, _target, *args):
        """Phase 1: the package itself, at once (the frontier follows in the background). A changed
        target re-solves live once a package is on screen, when nothing else in the form changed
        (the built model is kept: `package.package_session`); otherwise it waits for Run."""
        *form, previous = args
        values = form_values(*form)
        if ctx.triggered_id == ids.PKG_TARGET:
            if not previous or not previous.get("ok"):
                return no_update, no_update, no_update
            try:
                live = package.run_package(state.dataset(), values)
            except DecontrolError:
                return no_update, no_update, no_update
            same_target = live.get("ok") and live["scenario"].get("target_usd") == previous["scenario"].get(
                "target_usd"
            )
            if same_target or not package.same_settings(live, previous):
                return no_update, no_update, no_update
            return live, {"kind": "main", "index": 0}, None
        if ctx.triggered_id == ids.PKG_USE_MAX:
            best = package.use_max_target_bn(previous)
            if best is None:
                return no_update, no_update, no_update
            values = values.__class__(**{**values.__dict__, "target_bn": best})
        try:
            result = package.run_package(state.dataset(), values)
        except DecontrolError as exc:
            return no_update, no_update, error_alert(exc.message, exc.details)
        return result, {"kind": "main", "index": 0}, None

    @app.callback(
        Output(ids.PKG_RESULT, "data", allow_duplicate=True),
        Output(ids.PKG_SHOWN, "data", allow_duplicate=True),
        Input(ids.PKG_RUN, "id"),
        State(ids.SCN_CURRENT, "data"),
        State(ids.SCN_OPEN_FORM, "data"),
        *[State(i, p) for i, p in FORM],
        prevent_initial_call="initial_duplicate",
    )
    @auth.analyst_only
    def _restore(_appeared, last, opening, *form):
        """Coming back to the builder: the last run of this session is on screen again
        (`package.restore_last_run`); a scenario being opened is "Open in builder"'s."""
        result = None if opening else package.restore_last_run(state.dataset(), form_values(*form), last)
        if result is None:
            return no_update, no_update
        set_props(ids.PKG_OPENED_NOTE, {"children": "Your last run of this session, solved again on its inputs."})
        return result, {"kind": "main", "index": 0}

    @app.callback(
        Output(ids.PKG_EXTRAS, "data"),
        Input(ids.PKG_RESULT, "data"),
        background=True,
        prevent_initial_call=True,
        interval=100,
        running=[(Output(ids.PKG_RUN, "disabled"), True, False), (Output(ids.PKG_CANCEL, "disabled"), False, True)],
        cancel=[Input(ids.PKG_CANCEL, "n_clicks")],
        progress=[Output(ids.PKG_PROGRESS, "value"), Output(ids.PKG_PROGRESS_TEXT, "children")],
        progress_default=[0, ""],
    )
    @auth.analyst_only
    def _extras(set_progress, result):
        """Phase 2, in a background job with progress and cancel: frontier and alternatives."""
        if not result or not result.get("ok"):
            return no_update
        return package.run_extras(state.dataset(), result, lambda pct, text: set_progress((pct, text)))

    @app.callback(
        Output(ids.PKG_TARGET, "value"),
        Input(ids.PKG_USE_MAX, "n_clicks"),
        State(ids.PKG_RESULT, "data"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _use_max(_n, result):
        best = package.use_max_target_bn(result)
        return best if best is not None else no_update

    @app.callback(
        Output(ids.PKG_STATUS, "children"),
        Output(ids.PKG_USE_MAX, "style"),
        Output(ids.PKG_USE_MAX, "children"),
        Output(ids.PKG_KPIS, "children"),
        Output(ids.PKG_TABLE, "children"),
        Output(ids.PKG_BINDING, "children"),
        Output(ids.PKG_EXCLUDED, "children"),
        Output(ids.PKG_FRONTIER_BOX, "children", allow_duplicate=True),
        Output(ids.PKG_ALTERNATIVES, "children", allow_duplicate=True),
        Input(ids.PKG_RESULT, "data"),
        Input(ids.PKG_SHOWN, "data"),
        State(ids.PKG_EXTRAS, "data"),
        prevent_initial_call="initial_duplicate",
    )
    @guarded(ids.PKG_ERROR, 9)
    @auth.analyst_only
    def _package_views(result, shown, extras):
        # extras are State, not Input: the package is drawn without waiting for the background phase
        new_run = ctx.triggered_id in (None, ids.PKG_RESULT)
        *views, figure, alternatives = package.package_views(state.dataset(), result, extras, shown, new_run)
        return (*views, frontier_area(figure, result), alternatives)

    @app.callback(
        Output(ids.PKG_FRONTIER_BOX, "children"),
        Output(ids.PKG_ALTERNATIVES, "children"),
        Input(ids.PKG_EXTRAS, "data"),
        Input(ids.PKG_SHOWN, "data"),
        State(ids.PKG_RESULT, "data"),
    )
    @guarded(ids.PKG_ERROR, 2)
    @auth.analyst_only
    def _extras_views(extras, shown, result):
        figure, alternatives = package.extras_views(result, extras, shown)
        return frontier_area(figure, result), alternatives

    @app.callback(
        Output(ids.PKG_SHOWN, "data", allow_duplicate=True),
        Input(ids.PKG_FRONTIER, "clickData"),
        State(ids.PKG_RESULT, "data"),
        State(ids.PKG_EXTRAS, "data"),
        prevent_initial_call=True,
    )
    @guarded(ids.PKG_ERROR, 1)
    @auth.analyst_only
    def _frontier_click(click, result, extras):
        return package.shown_from_click(state.dataset(), package.merge(result, extras), click)

    @app.callback(
        Output(ids.PKG_SHOWN, "data", allow_duplicate=True),
        Input({"type": ids.PKG_SHOW_ALT, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _show_alternative(clicks):
        return package.shown_from_button(ctx.triggered_id, clicks)

    @app.callback(
        Output(ids.PKG_SIDE_TRADE, "children"),
        Input(ids.PKG_PARTNER, "value"),
        Input(ids.PKG_YEAR, "value"),
        prevent_initial_call=True,  # the layout carries the first panel (`layouts.package.layout`)
    )
    @guarded(ids.PKG_ERROR, 1)
    @auth.analyst_only
    def _side(partner, year):
        return package.side_trade_view(state.dataset(), partner, year)

    @app.callback(
        Output(ids.PKG_TARGET, "value", allow_duplicate=True),
        Output(ids.PKG_TARGET_SUGGESTED, "data"),
        Input(ids.PKG_PARTNER, "value"),
        Input(ids.PKG_YEAR, "value"),
        State(ids.PKG_TARGET, "value"),
        State(ids.PKG_TARGET_SUGGESTED, "data"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _follow_partner(partner, year, current, suggested):
        return package.follow_partner_target(state.dataset(), partner, year, current, suggested)

    @app.callback(
        Output(ids.PKG_SIDE_NOTE, "children"),
        Input(ids.PKG_RESULT, "data"),
        Input(ids.PKG_SHOWN, "data"),
        State(ids.PKG_EXTRAS, "data"),
    )
    @auth.analyst_only
    def _side_note(result, shown, extras):
        return package.side_note_view(result, shown, extras)

    @app.callback(
        Output(ids.PARTNER_STORE, "data", allow_duplicate=True),
        Input(ids.PKG_PARTNER, "value"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _remember_partner(partner):
        return partner

    @app.callback(
        Output(ids.PKG_DOWNLOAD, "data"),
        Input(ids.PKG_CSV, "n_clicks"),
        Input(ids.PKG_XLSX, "n_clicks"),
        Input(ids.PKG_EXCLUDED_CSV, "n_clicks"),
        Input(ids.PKG_EXCLUDED_XLSX, "n_clicks"),
        State(ids.PKG_RESULT, "data"),
        State(ids.PKG_SHOWN, "data"),
        State(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,
    )
    @guarded(ids.PKG_ERROR, 1)
    @auth.analyst_only
    def _download(_c, _x, _ec, _ex, result, shown, preview):
        """The package shown, or the items left out of it, as a file (for the audience the server decides)."""
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        which = ctx.triggered_id
        fmt = "xlsx" if which in (ids.PKG_XLSX, ids.PKG_EXCLUDED_XLSX) else "csv"
        audience = auth.audience(preview)
        if which in (ids.PKG_EXCLUDED_CSV, ids.PKG_EXCLUDED_XLSX):
            return downloads.excluded_download(result, shown, audience, fmt)
        return downloads.package_download(result, shown, audience, fmt)

    # ------------------------------------------------------------------ the inputs in the address
    @app.callback(
        Output(ids.PKG_URL_ALERT, "children"),
        Input(ids.URL, "search"),
        State(ids.URL, "pathname"),
        State(ids.PKG_URL_WRITTEN, "data"),
        *[State(i, p) for i, p in FORM],
    )
    @auth.analyst_only
    def _from_url(search, pathname, written, *form):
        """URL -> form: an address (`/package?partner=CHN&target=5m&fa=0.5`) fills every input (what
        it does not name at its default), only the widgets that differ are set (through `set_props`,
        as an opened scenario's form is), and nothing runs: the run waits for Run. The builder's own
        echo of the form is not read back (it would overwrite what the analyst is still typing)."""
        from dashboard.callbacks.scenarios import builder_props

        if not url_state.same_path(pathname, PATH) or not search or search == written:
            return no_update
        ds = state.dataset()
        view = url_state.package_url_view(ds, search)
        current = form_values(*form)
        partner = view.values.get("partner", current.partner)
        year = view.values.get("year", check_year(ds, None))
        wanted = url_state.package_form(view.values, partner, year, package.suggested_target_bn(ds, partner, year))
        have = url_state.current_form(current)
        changed = [k for k in wanted if not url_state.same_value(wanted[k], have.get(k))]
        if changed:
            keep = {k: (wanted[k] if k in changed else have[k]) for k in wanted}
            for component_id, value in builder_props(keep):
                set_props(component_id, {"value": value})
        return url_state.problems_alert(view)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.PKG_URL_WRITTEN, "data"),
        *[Input(i, p) for i, p in FORM],
        State(ids.URL, "search"),
        State(ids.URL, "pathname"),
        prevent_initial_call="initial_duplicate",
    )
    @auth.analyst_only
    def _to_url(*args):
        """Form -> URL: the address holds the inputs of the run, so a copied link reproduces it (on
        first display only when the address asked for nothing: a query is read first, then echoed)."""
        *form, search, pathname = args
        if not url_state.same_path(pathname, PATH) or (ctx.triggered_id is None and search):
            return no_update, no_update
        q = url_state.package_query(form_values(*form))
        return (no_update if q == (search or "") else q), q
