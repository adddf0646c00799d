"""Wiring of page 2, Control list: grid, quick search, item panel, tier override."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update, set_props

from dashboard import auth, ids
from dashboard.callbacks.common import guarded
from dashboard.layouts.items import PATH, potential_graph
from dashboard.logic import ally_view, downloads, item_evidence, items, url_state
from dashboard.logic.trade import partner_names
from dashboard.state import AppState


def register_callbacks(app: Dash, state: AppState) -> None:
    @app.callback(
        Output(ids.ITEMS_GRID, "rowData"),
        Output(ids.ITEMS_GRID, "columnDefs"),
        Output(ids.ITEMS_SUMMARY, "children"),
        Input(ids.ITEMS_PARTNER, "value"),
        Input(ids.ITEMS_YEAR, "value"),
        Input(ids.ITEMS_TIERS, "value"),
        Input(ids.ITEMS_OVERRIDE_VERSION, "data"),
        Input(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,  # the layout carries the first rows (`layouts.items.layout`)
    )
    @guarded(ids.ITEMS_ALERT, 3)
    @auth.shared
    def _grid(partner, year, tiers, _version, preview):
        # the audience is decided on the server: the role comes from the session
        return items.grid_view(state.dataset(), partner, year, tiers, auth.audience(preview))

    @app.callback(
        Output(ids.ITEMS_POTENTIAL_BOX, "children"),
        Output(ids.ITEMS_POTENTIAL_NOTE, "children"),
        Input(ids.ITEMS_PARTNER, "value"),
        Input(ids.ITEMS_YEAR, "value"),
        Input(ids.ITEMS_POTENTIAL_SUMMARY, "n_clicks"),
        prevent_initial_call=True,  # nothing to draw before the fold is opened
    )
    @guarded(ids.ITEMS_ALERT, 2)
    @auth.shared  # trade facts and estimates from them only (no tier, no risk): the same for allies
    def _potential(partner, year, opened):
        """Drawn when its fold is first opened (then on each partner or year), not with the page."""
        if not opened or (ctx.triggered_id == ids.ITEMS_POTENTIAL_SUMMARY and opened > 1):
            return no_update, no_update
        ds = state.dataset()
        figure, note = item_evidence.potential_view(
            ds, partner, partner_names(ds).get(partner, partner), items.check_year(ds, year)
        )
        return potential_graph(figure), note

    app.clientside_callback(
        """function(text, options) {
            return Object.assign({}, options || {}, {quickFilterText: text || ""});
        }""",
        Output(ids.ITEMS_GRID, "dashGridOptions"),
        Input(ids.ITEMS_SEARCH, "value"),
        State(ids.ITEMS_GRID, "dashGridOptions"),
        prevent_initial_call=True,
    )
    # the summary counted the tiers' rows whatever the search left in the grid: say what it shows
    app.clientside_callback(
        """function(shown, search, rows) {
            if (!search || !String(search).trim() || !shown || !rows) { return ""; }
            return shown.length.toLocaleString("en-US") + " of " + rows.length.toLocaleString("en-US")
                + " items match \u201c" + String(search).trim() + "\u201d";
        }""",
        Output(ids.ITEMS_SEARCH_COUNT, "children"),
        Input(ids.ITEMS_GRID, "virtualRowData"),
        State(ids.ITEMS_SEARCH, "value"),
        State(ids.ITEMS_GRID, "rowData"),
    )

    @app.callback(
        Output(ids.ITEMS_SELECTED, "data"),
        Output(ids.ITEMS_PANEL, "is_open"),
        Input(ids.ITEMS_GRID, "selectedRows"),
        Input(ids.ITEMS_GRID, "cellClicked"),
        State(ids.ITEMS_SELECTED, "data"),
        State(ids.ITEMS_PANEL, "is_open"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _select(rows, clicked, current, is_open):
        """A new selection opens the panel on it; a click on the row already selected (whose
        selection does not change) reopens a closed panel, as `cellClicked` fires on every click.
        The grid handing back a selection the page set (new rows for another partner re-apply it)
        does not reopen a panel the analyst closed."""
        eccn = items.clicked_item(rows, clicked, ctx.triggered_prop_ids)
        if eccn is None:
            return no_update, no_update
        clicked_now = any(str(p).endswith(".cellClicked") for p in ctx.triggered_prop_ids)
        if not clicked_now and eccn == current and not is_open:
            return no_update, no_update
        return eccn, True

    # the item open in the panel is the grid's selected row, scrolled into view, when the grid's rows
    # arrive after it (an address naming an item: the rows come later than the item); in the browser,
    # so the rows never travel to the server for it. Only rowData is an input: the selection feeds
    # `_select`, whose outputs are read here as state (no cycle).
    app.clientside_callback(
        """function(rows, eccn, isOpen) {
            var nu = window.dash_clientside.no_update;
            if (!eccn || !isOpen || !rows || !rows.some(function (r) { return r.eccn === eccn; })) {
                return [nu, nu];
            }
            return [{ids: [eccn]}, {rowId: eccn, rowPosition: "middle"}];
        }""",
        Output(ids.ITEMS_GRID, "selectedRows"),
        Output(ids.ITEMS_GRID, "scrollTo"),
        Input(ids.ITEMS_GRID, "rowData"),
        State(ids.ITEMS_SELECTED, "data"),
        State(ids.ITEMS_PANEL, "is_open"),
    )

    @app.callback(
        Output(ids.ITEMS_PANEL, "title"),
        Output(ids.ITEMS_PANEL_BODY, "children"),
        Output(ids.ITEMS_OVERRIDE_TIER, "value"),
        Input(ids.ITEMS_SELECTED, "data"),
        Input(ids.ITEMS_OVERRIDE_VERSION, "data"),
        State(ids.ITEMS_PARTNER, "value"),
        State(ids.ITEMS_YEAR, "value"),
        State(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,  # the layout carries the panel before a pick (`layouts.items.layout`)
    )
    @guarded(ids.ITEMS_ALERT, 3)
    @auth.shared
    def _panel(eccn, _version, partner, year, preview):
        if auth.audience(preview) == "ally":
            return ally_view.ally_panel_view(state.dataset(), eccn, partner, year)
        history = state.override_log().history(eccn) if eccn else None
        return items.panel_view(state.dataset(), eccn, partner, year, history)

    @app.callback(
        Output(ids.ITEMS_OVERRIDE_FEEDBACK, "children"),
        Output(ids.ITEMS_OVERRIDE_REASON, "invalid"),
        Output(ids.ITEMS_OVERRIDE_REASON_FEEDBACK, "children"),
        Output(ids.ITEMS_OVERRIDE_AUTHOR, "invalid"),
        Output(ids.ITEMS_OVERRIDE_AUTHOR_FEEDBACK, "children"),
        Output(ids.ITEMS_OVERRIDE_VERSION, "data"),
        Input(ids.ITEMS_OVERRIDE_SAVE, "n_clicks"),
        State(ids.ITEMS_SELECTED, "data"),
        State(ids.ITEMS_OVERRIDE_TIER, "value"),
        State(ids.ITEMS_OVERRIDE_REASON, "value"),
        State(ids.ITEMS_OVERRIDE_AUTHOR, "value"),
        State(ids.ITEMS_OVERRIDE_VERSION, "data"),
        State(ids.ITEMS_PARTNER, "value"),
        prevent_initial_call=True,
    )
    @guarded(ids.ITEMS_OVERRIDE_FEEDBACK, 6)
    @auth.analyst_only
    def _override(_n, eccn, tier, reason, author, version, partner):
        if auth.current_role() != "analyst":  # also refused by the request gate; belt and braces
            return "Tier overrides are for analysts.", no_update, no_update, no_update, no_update, no_update
        return items.override_view(state, eccn, tier, reason, author, version, partner)

    @app.callback(
        Output(ids.PARTNER_STORE, "data", allow_duplicate=True),
        Input(ids.ITEMS_PARTNER, "value"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _remember_partner(partner):
        return partner

    @app.callback(
        Output(ids.ITEMS_PARTNER, "value"),
        Output(ids.ITEMS_YEAR, "value"),
        Output(ids.ITEMS_SELECTED, "data", allow_duplicate=True),
        Output(ids.ITEMS_PANEL, "is_open", allow_duplicate=True),
        Output(ids.ITEMS_URL_ALERT, "children"),
        Input(ids.URL, "search"),
        State(ids.URL, "pathname"),
        State(ids.ITEMS_PARTNER, "value"),
        State(ids.ITEMS_YEAR, "value"),
        State(ids.ITEMS_SELECTED, "data"),
        prevent_initial_call="initial_duplicate",
    )
    @auth.shared
    def _from_url(search, pathname, partner, year, selected):
        """URL -> controls: only what differs is set, so the URL writer below finds nothing to change."""
        if not url_state.same_path(pathname, PATH):
            return (no_update,) * 5
        ds = state.dataset()
        view = url_state.items_url_view(ds, search, items.known_items(ds))
        v = view.values
        new_item = v.get("item")
        if new_item and new_item != selected:  # rows already there (else the rows' arrival selects it)
            set_props(
                ids.ITEMS_GRID,
                {"selectedRows": {"ids": [new_item]}, "scrollTo": {"rowId": new_item, "rowPosition": "middle"}},
            )
        return (
            v["partner"] if v.get("partner", partner) != partner else no_update,
            v["year"] if str(v.get("year", year)) != str(year) else no_update,
            new_item if new_item and new_item != selected else no_update,
            True if new_item and new_item != selected else no_update,
            url_state.problems_alert(view),
        )

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.ITEMS_PARTNER, "value"),
        Input(ids.ITEMS_YEAR, "value"),
        Input(ids.ITEMS_SELECTED, "data"),
        Input(ids.ITEMS_PANEL, "is_open"),
        State(ids.URL, "search"),
        State(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    @auth.shared
    def _to_url(partner, year, selected, is_open, search, pathname):
        """Controls -> URL: the address says what the page shows, so a copied link reopens it (the
        item only while its panel is open: a closed panel shows the list)."""
        if not url_state.same_path(pathname, PATH):
            return no_update
        q = url_state.query_string({"partner": partner, "year": year, "item": selected if is_open else None})
        return no_update if q == (search or "") else q

    @app.callback(
        Output(ids.ITEMS_DOWNLOAD, "data"),
        Input(ids.ITEMS_CSV, "n_clicks"),
        Input(ids.ITEMS_XLSX, "n_clicks"),
        State(ids.ITEMS_GRID, "virtualRowData"),
        State(ids.ITEMS_PARTNER, "value"),
        State(ids.ITEMS_YEAR, "value"),
        State(ids.ALLY_PREVIEW, "value"),
        prevent_initial_call=True,
    )
    @guarded(ids.ITEMS_ALERT, 1)
    @auth.shared
    def _download(_csv, _xlsx, shown, partner, year, preview):
        """The rows the grid shows (filters, search, order), rebuilt on the server for the audience."""
        if ctx.triggered_id not in (ids.ITEMS_CSV, ids.ITEMS_XLSX) or not ctx.triggered[0]["value"]:
            return no_update
        fmt = "csv" if ctx.triggered_id == ids.ITEMS_CSV else "xlsx"
        return downloads.items_download(state.dataset(), partner, year, shown, auth.audience(preview), fmt)
