"""The Dash app factory behind `decontrol serve`.

`create_app(data_dir)` loads (and validates) the data once, so a bad `--data DIR` fails at start
with the validator's message rather than on the first click; builds the shell from the page
registry; registers every page's callbacks; and sets up the background-callback manager that runs
package solves off the request thread (with progress and cancel). Everything is served locally:
Bootstrap (Flatly) CSS from `assets/`, Dash and AG Grid bundles from their wheels.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlparse

import dash
import flask
from dash import Dash, Input, Output, State, no_update

from dashboard import auth, ids, jobs
from dashboard.layouts.shell import data_badge, not_found, not_in_ally_view, shell
from dashboard.logic.trade import check_partner, trade_layer_years, warm_caches
from dashboard.pages import PAGES, page_for, pages_for
from dashboard.state import AppState

ASSETS = Path(__file__).resolve().parent / "assets"
#: plotly.js "basic" (scatter, bar, pie: all the dashboard draws), 1.2 MB instead of the full 4.8 MB
#: bundle. It is served where dcc.Graph fetches plotly.js (on demand, not with every page), so pages
#: render sooner and pages without charts never load it.
PLOTLY_BASIC = "plotly-basic-{version}.min.js"
PLOTLY_ROUTE = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def create_app(
    data_dir: str | Path | None = None,
    *,
    home: Path | None = None,
    cache_dir: Path | None = None,
    db_url: str | None = None,
    users_file: str | Path | None = None,
    auth_header: str | None = None,
    trusted_proxies: tuple[str, ...] = (),
    shared_key: bool = False,
    login_limit: str = auth.LOGIN_LIMIT,
    limiter_storage: str | None = None,
    jobs_url: str | None = None,
    warm_in_background: bool = True,
) -> Dash:
    """The dashboard for `data_dir` laid over the shipped data (None: shipped data only).

    `home` overrides `user_home()` for the analyst workspace (tests); `cache_dir` the job cache;
    `db_url` the scenario database (default: `ScenarioStore`'s). `users_file` / `auth_header` turn
    authentication on (see `dashboard.auth`; the header is believed from `trusted_proxies` only);
    `shared_key`: several workers or hosts, so the signing key must come from the environment.
    `jobs_url`: where background jobs run (`dashboard.jobs`: a directory, or redis://... for Celery;
    the sign-in rate limit then counts in the same Redis). `warm_in_background` False computes the
    first views' caches before returning (a preloading server forks no thread).
    Raises `DecontrolError` when the data or the configuration is not usable.
    """
    state = AppState(Path(data_dir) if data_dir else None, home, db_url)
    jobs_config = jobs.JobsConfig(jobs_url)
    jobs_config.check()
    if limiter_storage is None:
        limiter_storage = jobs_url if jobs_config.kind == "celery" and jobs_url else "memory://"
    auth_config = auth.AuthConfig(
        Path(users_file) if users_file else None,
        auth_header,
        tuple(trusted_proxies),
        state.scenario_db_url(),
        shared_key,
        login_limit,
        limiter_storage,
    )
    auth_config.check()
    ds = state.dataset()
    app = Dash(
        __name__,
        title="decontrol",
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title=None,  # type: ignore[arg-type]  # Dash documents None (keep the title) but annotates str
        assets_ignore=r"^plotly-basic-.*\.js$",
        background_callback_manager=jobs.manager(jobs_config, cache_dir),
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    auth.install(app.server, auth_config, home, dash_app=app)  # first hook: nothing is served before the login check
    auth.install_headers(app.server, app.csp_hashes)
    _serve_plotly_basic(app)
    default_partner = check_partner(ds, None)
    warm_caches(ds, background=warm_in_background)  # the first view of any focus partner must not wait for a cold cache
    manager = app._background_manager
    if warm_in_background and isinstance(manager, jobs.ForkserverDiskcacheManager):
        manager.warm(state.effective_data_dir())  # the first frontier job must not wait for imports and data
    badge = data_badge(ds.trade_synthetic, ds.trade_source, trade_layer_years(ds))

    def page_layout(pathname: str | None, partner: str | None):
        page = page_for(pathname, auth.view_role())
        if page is None:
            closed = page_for(pathname, auth.current_role())  # open to the analyst, not in the previewed view
            return not_in_ally_view(closed.name) if closed is not None else not_found(pathname or "")
        return page.layout(state, check_partner(state.dataset(), partner))

    def serve_layout():
        """The shell with the requested page already inside: the browser asks for the layout from
        that page (the Referer), so the first render needs no routing round trip."""
        path = "/"
        if flask.has_request_context() and flask.request.referrer:
            path = urlparse(flask.request.referrer).path
        who = auth.current_user()
        return shell(badge, page_layout(path, None), path, auth.current_role(), who[0] if who else None)

    app.layout = serve_layout
    app.validation_layout = dash.html.Div(
        [  # type: ignore[assignment]  # Dash annotates the attribute as None
            shell(badge),
            *[p.layout(state, default_partner) for p in PAGES],
        ]
    )

    @app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.PAGE_PATH, "data"),
        Output(ids.PAGE_VIEW, "data"),
        Input(ids.URL, "pathname"),
        Input(ids.ALLY_PREVIEW, "value"),
        State(ids.PAGE_PATH, "data"),
        State(ids.PAGE_VIEW, "data"),
        State(ids.PARTNER_STORE, "data"),
    )
    @auth.shared  # the router checks the role itself (page_for)
    def _route(pathname, preview, shown, shown_view, partner):
        """Navigation: swap the page in (not when the URL only confirms the page already shown);
        and redraw it when the analyst turns the ally-view preview on or off, so the page's forms,
        filters and tools are the ally's (`auth.view_role`), not only its data."""
        auth.set_preview(preview)
        view = auth.audience(preview)
        if pathname == shown and view == shown_view:
            return no_update, no_update, no_update
        return page_layout(pathname, partner), pathname, view

    app.clientside_callback(
        """function(pathname) {
            const titles = %s;
            const p = (pathname || '/').replace(/\\/+$/, '') || '/';
            document.title = (titles[p] ? titles[p] + ' · ' : '') + 'decontrol';
            return window.dash_clientside.no_update;
        }"""
        % {p.path: p.name for p in PAGES},
        Output(ids.NAVBAR, "className"),
        Input(ids.URL, "pathname"),
    )
    # The link of the page shown is highlighted, also when a callback moved the URL (the Allies ->
    # builder hand-off, opening a scenario): NavLink's own "exact" matching missed those moves.
    app.clientside_callback(
        """function(pathname, links) {
            const p = (pathname || '/').replace(/\\/+$/, '') || '/';
            return links.map(function (l) { return l.path === p; });
        }""",
        Output({"type": ids.NAV_LINK, "path": dash.ALL}, "active"),
        Input(ids.URL, "pathname"),
        State({"type": ids.NAV_LINK, "path": dash.ALL}, "id"),
    )
    # The ally-view preview: the banner says so, and the navigation keeps only the allies' pages
    # (an ally's own navbar is built with them only; its store has no `value`, so nothing changes).
    app.clientside_callback(
        """function(preview, links) {
            const allyPaths = ALLY_PATHS;
            return [!preview, links.map(function (l) {
                return preview && allyPaths.indexOf(l.path) < 0 ? {display: "none"} : {};
            })];
        }""".replace("ALLY_PATHS", json.dumps([p.path for p in pages_for("ally")])),
        Output(ids.PREVIEW_BANNER, "hidden"),
        Output({"type": ids.NAV_LINK, "path": dash.ALL}, "style"),
        Input(ids.ALLY_PREVIEW, "value"),
        State({"type": ids.NAV_LINK, "path": dash.ALL}, "id"),
    )
    for page in PAGES:
        page.register_callbacks(app, state)
    return app


#: Environment variables read by `app_from_env` (what `decontrol serve` sets for its workers).
ENV = {
    "data": "DECONTROL_DATA",
    "db": "DECONTROL_DB",
    "users": "DECONTROL_USERS",
    "auth_header": "DECONTROL_AUTH_HEADER",
    "trusted_proxies": "DECONTROL_TRUSTED_PROXIES",
    "jobs": "DECONTROL_JOBS",
    "workers": "DECONTROL_WORKERS",
}


def app_from_env(environ: dict[str, str] | None = None) -> Dash:
    """The dashboard configured from the environment (`ENV`), for any WSGI host (`dashboard.wsgi`)
    and for the Celery workers, which must build the same app to know its jobs."""
    env = os.environ if environ is None else environ
    workers = int(env.get(ENV["workers"]) or 1)
    jobs_url = env.get(ENV["jobs"]) or None
    proxies = tuple(a.strip() for a in (env.get(ENV["trusted_proxies"]) or "").split(",") if a.strip())
    return create_app(
        data_dir=env.get(ENV["data"]) or None,
        db_url=env.get(ENV["db"]) or None,
        users_file=env.get(ENV["users"]) or None,
        auth_header=env.get(ENV["auth_header"]) or None,
        trusted_proxies=proxies,
        jobs_url=jobs_url,
        shared_key=workers > 1 or jobs.JobsConfig(jobs_url).kind == "celery",
        warm_in_background=False,
    )


def _serve_plotly_basic(app: Dash) -> None:
    from plotly.offline import get_plotlyjs_version

    bundle = PLOTLY_BASIC.format(version=get_plotlyjs_version())

    @app.server.before_request
    def _plotly_basic():
        if flask.request.path.endswith(PLOTLY_ROUTE):
            return flask.send_from_directory(ASSETS, bundle, mimetype="application/javascript", max_age=31536000)
        return None
