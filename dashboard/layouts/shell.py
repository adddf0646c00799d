"""The frame around every page: skip link, navigation bar of ordinary links, data badge, page slot."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.auth import view_role
from dashboard.components import provenance_badge
from dashboard.figures.common import Provenance
from dashboard.pages import pages_for
from dashboard.theme import fmt_years


def data_badge(trade_synthetic: bool, trade_source: str, years: list[int]) -> html.Span:
    """Navbar note: which trade layer the whole app runs on, with its source on hover."""
    prov = Provenance("synthetic" if trade_synthetic else "real", trade_source)
    return html.Span(
        [html.Span(f"HS6 trade {fmt_years(years)}:", className="small text-white-50"), provenance_badge(prov)],
        id=ids.DATA_BADGE,
        className="d-flex align-items-center",
    )


def user_menu(role: str, user: str | None) -> html.Div:
    """Right of the navbar: the analyst's ally-preview switch; the signed-in user and a logout link."""
    parts: list = []
    if role == "analyst":
        parts.append(
            dbc.Switch(
                id=ids.ALLY_PREVIEW,
                label="Ally view",
                value=False,
                persistence=True,
                persistence_type="session",
                className="small mb-0 me-3",
                label_class_name="text-white",
                label_style={"whiteSpace": "nowrap"},
            )
        )
    else:
        parts.append(html.Span("Ally view", className="badge bg-warning text-dark me-3"))
        parts.append(dcc.Store(id=ids.ALLY_PREVIEW, data=True))  # same id: callbacks read it either way
    if user:
        parts.append(
            html.Span(
                [
                    html.Span(f"{user} ({role})", className="small text-white-50 me-2"),
                    html.A("Log out", href="/logout", className="small text-white"),
                ]
            )
        )
    return html.Div(parts, id=ids.NAV_USER, className="d-flex align-items-center ms-3")


def shell(
    badge: html.Span, page: Any = None, path: str | None = None, role: str = "analyst", user: str | None = None
) -> html.Div:
    """The frame with `page` (the layout of the first page, served at `path`) already in place."""
    nav = dbc.Nav(
        [
            dbc.NavItem(dbc.NavLink(p.name, href=p.path, active="exact", id={"type": ids.NAV_LINK, "path": p.path}))
            for p in pages_for(role)
        ],
        navbar=True,
        className="me-auto",
    )
    navbar = dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [
                        html.Span("decontrol", className="fw-bold"),
                        html.Span("decontrol packages for trade talks", className="brand-sub d-none d-xl-inline"),
                    ],
                    href="/",
                ),
                nav,
                badge,
                user_menu(role, user),
            ],
            fluid=True,
        ),
        id=ids.NAVBAR,
        color="primary",
        dark=True,
        className="py-1",
    )
    return html.Div(
        [
            html.A("Skip to content", href=f"#{ids.PAGE}", className="skip-link"),
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.PARTNER_STORE, storage_type="session"),
            dcc.Store(id=ids.PAGE_PATH, data=path),
            dcc.Store(id=ids.PAGE_VIEW, data="ally" if role == "ally" else "internal"),
            dcc.Store(id=ids.SCN_CURRENT),
            dcc.Store(id=ids.SCN_OPENED),
            dcc.Store(id=ids.SCN_OPEN_FORM),
            navbar,
            preview_banner(),
            html.Main(page, id=ids.PAGE, tabIndex="-1", className="container-fluid px-3 py-2"),
        ]
    )


def not_found(path: str) -> html.Div:
    return html.Div(
        [
            html.H1("Page not found", className="h4"),
            html.P(f"Nothing is served at {path}. The pages are:"),
            html.Ul([html.Li(dcc.Link(p.name, href=p.path)) for p in pages_for(view_role())]),
        ],
        className="py-4",
    )


def not_in_ally_view(name: str) -> html.Div:
    """What an analyst previewing the ally view sees on a page allies cannot open."""
    return html.Div(
        [
            html.H1(f"{name}: not in the ally view", className="h4"),
            html.P(f"Allies cannot open the {name}. The pages they see are:"),
            html.Ul([html.Li(dcc.Link(p.name, href=p.path)) for p in pages_for("ally")]),
            html.P("Turn off \u201cAlly view\u201d in the navigation bar to return to it.", className="small"),
        ],
        className="py-4",
    )


def preview_banner() -> html.Div:
    """Says, on every page, that an analyst is looking at the ally view (shown by the switch)."""
    return html.Div(
        [
            html.Strong("Ally view preview. "),
            html.Span(
                "You see what an ally sees: the pages, forms, filters and shared facts only. Your own view "
                "is unchanged; turn off \u201cAlly view\u201d to return to it."
            ),
        ],
        id=ids.PREVIEW_BANNER,
        role="status",
        hidden=True,
        className="alert alert-warning py-1 px-3 mb-0 small rounded-0",
    )
