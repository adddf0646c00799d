"""Wiring of page 4, Scenarios: save the builder's last run, open/rename/duplicate/delete, the list,
the comparison and the briefing download; plus the two hooks into the Package builder (its last run
is kept in the shell, and an opened scenario fills its form when the builder appears)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update, set_props
from dash.exceptions import PreventUpdate

from dashboard import auth, ids
from dashboard.callbacks.common import guarded
from dashboard.layouts.scenarios import PATH, frontier_area
from dashboard.logic import downloads, scenarios, scenarios_page, url_state
from dashboard.logic.package_inputs import CATEGORIES
from dashboard.state import AppState
from dashboard.theme import fmt_count
from optimizer.data.schema import ALLIES
from optimizer.errors import DecontrolError

#: The builder's widgets filled when a scenario is opened, with their key in `form_from_inputs`.
BUILDER_FORM = [
    (ids.PKG_PARTNER, "partner"),
    (ids.PKG_YEAR, "year"),
    (ids.PKG_TARGET, "target_bn"),
    (ids.PKG_OBJECTIVE, "objective"),
    (ids.PKG_FA_THRESHOLD, "min_fa"),
    (ids.PKG_MAX_ITEMS, "max_items"),
    (ids.PKG_MODES, "modes"),
    (ids.PKG_RISK_BUDGET, "risk_budget"),
    (ids.PKG_LOCKS, "locks"),
    (ids.PKG_FORCED, "forced"),
    (ids.PKG_ALLY_POLICY, "ally_policy"),
    (ids.PKG_ALLY_PENALTY, "ally_penalty"),
    (ids.PKG_COHERENCE, "coherence"),
    (ids.PKG_BIS_ALONE, "bis_alone"),
    (ids.PKG_NO_DIVERSION, "no_diversion"),
]


def builder_props(form: dict) -> list[tuple[str | dict, object]]:
    """(component id, value) of every builder widget for an opened scenario's form values."""
    out: list[tuple[str | dict, object]] = [(cid, form[key]) for cid, key in BUILDER_FORM]
    out += [({"type": ids.PKG_CAP, "cat": cat}, v) for cat, v in zip(CATEGORIES, form["caps"])]
    out += [({"type": ids.PKG_ALLY, "iso": iso}, v) for iso, v in zip(ALLIES, form["ally_oppose"])]
    return out


#: What of a builder run is kept for saving (the rest is display data).
KEPT = ("ok", "scenario", "positions", "package", "dataset_id", "partner", "year")


def register_callbacks(app: Dash, state: AppState) -> None:
    # ---------------------------------------------------------------- hooks into the Package builder
    @app.callback(Output(ids.SCN_CURRENT, "data"), Input(ids.PKG_RESULT, "data"), prevent_initial_call=True)
    @auth.analyst_only
    def _keep_last_run(result):
        if not result or not result.get("ok"):
            raise PreventUpdate
        return {k: result.get(k) for k in KEPT}

    @app.callback(
        Output(ids.SCN_OPEN_FORM, "data", allow_duplicate=True),
        Input(ids.PKG_RUN, "id"),
        State(ids.SCN_OPEN_FORM, "data"),
        prevent_initial_call="initial_duplicate",
    )
    @auth.analyst_only
    def _fill_builder(_appeared, form):
        """When the builder appears with a scenario waiting to be opened, fill its form once, and
        for a saved scenario solve its package again and say which scenario is open.

        The values go through `set_props`, not declared outputs: the builder's own callbacks read
        these widgets and must not wait on this one (it does nothing most of the time)."""
        if not form:
            raise PreventUpdate
        for component_id, value in builder_props(form):
            set_props(component_id, {"value": value})
        try:
            result, note = scenarios.run_opened(state.dataset(), form)
        except DecontrolError as exc:
            result, note = None, f"The opened scenario could not be solved again: {exc.message}"
        if result is not None:  # a one-shot result: the builder's stores stay in memory
            set_props(ids.PKG_RESULT, {"data": result})
            set_props(ids.PKG_SHOWN, {"data": {"kind": "main", "index": 0}})
        if note:
            set_props(ids.PKG_OPENED_NOTE, {"children": note})
        return None

    # ---------------------------------------------------------------- saving and managing (analysts)
    @app.callback(
        Output(ids.SCN_CURRENT_NOTE, "children"),
        Output(ids.SCN_NAME, "value"),
        Input(ids.SCN_CURRENT, "data"),
        State(ids.SCN_OPENED, "data"),
    )
    @auth.analyst_only
    def _current_note(current, opened):
        if not current:
            return "No package run yet: run one in the Package builder, then come back to save it.", no_update
        pkg = current.get("package") or {}
        text = (
            f"Last run: {current.get('partner')}, {current.get('year')} · "
            f"{fmt_count(len(pkg.get('items') or []), 'item')} · "
            f"status {pkg.get('status', '')}"
        )
        if opened:
            text += f" · opened from '{opened['name']}' version {opened['version']}"
        return text, (opened or {}).get("name", no_update)

    @app.callback(
        Output(ids.SCN_FEEDBACK, "children"),
        Output(ids.SCN_OPENED, "data"),
        Output(ids.SCN_LIST_VERSION, "data"),
        Input(ids.SCN_SAVE, "n_clicks"),
        State(ids.SCN_NAME, "value"),
        State(ids.SCN_CURRENT, "data"),
        State(ids.SCN_OPENED, "data"),
        State(ids.SCN_LIST_VERSION, "data"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _save(n, name, current, opened, version):
        if not n:
            raise PreventUpdate  # the button appearing with a swapped-in page is not a click
        try:
            out = scenarios.save_current(
                state.scenario_store(), name, current, opened, author=auth.author_name(), ds=state.dataset()
            )
        except DecontrolError as exc:  # e.g. the database cannot be opened: said inline, never a 500
            out = scenarios.Outcome(exc.message, False)
        if not out.ok:
            return scenarios_page.feedback(out), no_update, no_update
        return scenarios_page.feedback(out), out.opened, (version or 0) + 1

    @app.callback(
        Output(ids.SCN_ACTION_FEEDBACK, "children"),
        Output(ids.SCN_LIST_VERSION, "data", allow_duplicate=True),
        Output(ids.SCN_OPENED, "data", allow_duplicate=True),
        Output(ids.SCN_OPEN_FORM, "data"),
        Output(ids.URL, "pathname"),
        Input(ids.SCN_OPEN, "n_clicks"),
        Input(ids.SCN_RENAME, "n_clicks"),
        Input(ids.SCN_DUPLICATE, "n_clicks"),
        Input(ids.SCN_DELETE, "n_clicks"),
        Input(ids.SCN_SHARE, "n_clicks"),
        State(ids.CMP_PICK, "value"),
        State(ids.SCN_NEW_NAME, "value"),
        State(ids.SCN_OPENED, "data"),
        State(ids.SCN_LIST_VERSION, "data"),
        State(ids.SCN_SHARED_TITLE, "value"),
        prevent_initial_call=True,
    )
    @auth.analyst_only
    def _manage(_o, _r, _c, _d, _s, name, new_name, opened, version, shared_title):
        action = ctx.triggered_id
        if (
            action not in (ids.SCN_OPEN, ids.SCN_RENAME, ids.SCN_DUPLICATE, ids.SCN_DELETE, ids.SCN_SHARE)
            or not ctx.triggered[0]["value"]
        ):
            raise PreventUpdate  # only a real click acts (never a button appearing)
        try:
            store = state.scenario_store()
        except DecontrolError as exc:
            return (
                scenarios_page.feedback(scenarios.Outcome(exc.message, False)),
                no_update,
                no_update,
                no_update,
                no_update,
            )
        if action == ids.SCN_OPEN:
            form, out = scenarios.open_scenario(store, name)
            if not out.ok:
                return scenarios_page.feedback(out), no_update, no_update, no_update, no_update
            set_props(ids.URL, {"search": ""})  # the Scenarios page's query is not the builder's
            return scenarios_page.feedback(out), no_update, out.opened, form, "/package"
        if action == ids.SCN_RENAME:
            out = scenarios.rename(store, name, new_name)
        elif action == ids.SCN_DUPLICATE:
            out = scenarios.duplicate(store, name, new_name, author=auth.author_name())
        elif action == ids.SCN_SHARE:
            out = scenarios.share(store, name, shared_title)
        else:
            out = scenarios.delete(store, name)
        forget = out.ok and opened and opened.get("name") == name and action not in (ids.SCN_DUPLICATE, ids.SCN_SHARE)
        return (
            scenarios_page.feedback(out),
            (version or 0) + 1 if out.ok else no_update,
            None if forget else no_update,
            no_update,
            no_update,
        )

    # ---------------------------------------------------------------- list, compare, briefing (both roles)
    @app.callback(
        Output(ids.CMP_LIST, "children"),
        Output(ids.CMP_PICK, "options"),
        Output(ids.CMP_SELECT, "options"),
        Output(ids.CMP_PICK, "value"),
        Output(ids.CMP_SELECT, "value"),
        Output(ids.CMP_URL_ALERT, "children"),
        Input(ids.SCN_LIST_VERSION, "data"),
        Input(ids.ALLY_PREVIEW, "value"),
        State(ids.CMP_PICK, "value"),
        State(ids.CMP_SELECT, "value"),
        State(ids.URL, "search"),
    )
    @guarded(ids.CMP_ALERT, 6)
    @auth.shared
    def _list(_version, preview, picked, compared, search):
        """The list and the selectors' options; on the page's first render the address picks the
        scenario and the comparison (`?scenario=..&compare=..&compare=..`), afterwards the analyst does."""
        table, pick, select = scenarios_page.list_view(state.scenario_store(), auth.audience(preview))
        names = [o["value"] for o in pick]
        first = ctx.triggered_id is None and not picked and not compared
        view = url_state.scenarios_url_view(search, names) if first else url_state.UrlView()
        asked = view.values.get("scenario")
        value = asked or (picked if picked in names else (names[0] if names else None))
        compare = view.values.get("compare", no_update)
        return table, pick, select, value, compare, url_state.problems_alert(view)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.CMP_PICK, "value"),
        Input(ids.CMP_SELECT, "value"),
        State(ids.URL, "search"),
        State(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _to_url(picked, compared, search, pathname):
        """The scenario picked and those compared, in the address (a copied link reopens them)."""
        if not url_state.same_path(pathname, PATH):
            return no_update
        q = url_state.query_string({"scenario": picked, "compare": [c for c in compared or [] if c]})
        return no_update if q == (search or "") else q

    @app.callback(
        Output(ids.CMP_TOTALS, "children"),
        Output(ids.CMP_DIFF, "children"),
        Output(ids.CMP_FRONTIER_BOX, "children"),
        Input(ids.CMP_SELECT, "value"),
        Input(ids.ALLY_PREVIEW, "value"),
        Input(ids.SCN_LIST_VERSION, "data"),
    )
    @guarded(ids.CMP_ALERT, 3)
    @auth.shared
    def _compare(names, preview, _version):
        totals, diff, figure = scenarios_page.compare_view(
            state.scenario_store(), state.dataset(), names, state.effective_data_dir(), auth.audience(preview)
        )
        return totals, diff, frontier_area(figure)

    @app.callback(
        Output(ids.CMP_DOWNLOAD, "data"),
        Output(ids.CMP_BRIEF_FEEDBACK, "children"),
        Input(ids.CMP_BRIEF_PPTX, "n_clicks"),
        Input(ids.CMP_BRIEF_XLSX, "n_clicks"),
        State(ids.CMP_PICK, "value"),
        State(ids.CMP_MARKING, "value"),
        State(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _brief(_p, _x, name, marking, preview):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        kind = "pptx" if ctx.triggered_id == ids.CMP_BRIEF_PPTX else "xlsx"
        data, note = scenarios_page.brief_download(
            state.scenario_store(), name, kind, marking, state.effective_data_dir(), auth.audience(preview)
        )
        return (data if data is not None else no_update), note

    @app.callback(
        Output(ids.CMP_TABLE_DOWNLOAD, "data"),
        Input(ids.CMP_CSV, "n_clicks"),
        Input(ids.CMP_XLSX, "n_clicks"),
        State(ids.CMP_SELECT, "value"),
        State(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,
    )
    @guarded(ids.CMP_ALERT, 1)
    @auth.shared
    def _compare_download(_c, _x, names, preview):
        """The comparison as a file; an ally's holds the shared titles and no risk (as its screen)."""
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        audience = auth.audience(preview)
        records = scenarios_page.records_for(state.scenario_store(), [n for n in names or [] if n], audience)
        fmt = "csv" if ctx.triggered_id == ids.CMP_CSV else "xlsx"
        return downloads.compare_download(records, state.dataset(), audience, fmt)
