"""The frame around every page: skip link, navigation bar of ordinary links, data badge, page slot."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.components import provenance_badge
from dashboard.figures.common import Provenance
from dashboard.pages import PAGES
from dashboard.theme import fmt_years


def data_badge(trade_synthetic: bool, trade_source: str, years: list[int]) -> html.Span:
    """Navbar note: which trade layer the whole app runs on, with its source on hover."""
    prov = Provenance("synthetic" if trade_synthetic else "real", trade_source)
    return html.Span([html.Span(f"HS6 trade {fmt_years(years)}:", className="small text-white-50"),
                      provenance_badge(prov)], id=ids.DATA_BADGE, className="d-flex align-items-center")


def shell(badge: html.Span, page: Any = None, path: str | None = None) -> html.Div:
    """The frame with `page` (the layout of the first page, served at `path`) already in place."""
    nav = dbc.Nav([dbc.NavItem(dbc.NavLink(p.name, href=p.path, active="exact")) for p in PAGES],
                  navbar=True, className="me-auto")
    navbar = dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand([html.Span("decontrol", className="fw-bold"),
                             html.Span("decontrol packages for trade talks", className="brand-sub d-none d-xl-inline")],
                            href="/"),
            nav, badge,
        ], fluid=True),
        id=ids.NAVBAR, color="primary", dark=True, className="py-1",
    )
    return html.Div([
        html.A("Skip to content", href=f"#{ids.PAGE}", className="skip-link"),
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.PARTNER_STORE, storage_type="session"),
        dcc.Store(id=ids.PAGE_PATH, data=path),
        navbar,
        html.Main(page, id=ids.PAGE, tabIndex="-1", className="container-fluid px-3 py-2"),
    ])


def not_found(path: str) -> html.Div:
    return html.Div([
        html.H1("Page not found", className="h4"),
        html.P(f"Nothing is served at {path}. The pages are:"),
        html.Ul([html.Li(dcc.Link(p.name, href=p.path)) for p in PAGES]),
    ], className="py-4")
