"""The dashboard's pages, registered in one place: path, navigation label, layout, callbacks.

The app shell renders the navigation bar from `PAGES` and a router callback picks the layout by
URL path; each page module keeps its layout (`dashboard.layouts.<page>`) apart from its callbacks
(`dashboard.callbacks.<page>`), so layouts stay declarative and callbacks stay thin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash

from dashboard.callbacks import allies as allies_callbacks
from dashboard.callbacks import diversion as diversion_callbacks
from dashboard.callbacks import exchange as exchange_callbacks
from dashboard.callbacks import items as items_callbacks
from dashboard.callbacks import package as package_callbacks
from dashboard.callbacks import scenarios as scenarios_callbacks
from dashboard.callbacks import trade as trade_callbacks
from dashboard.layouts import allies as allies_layout
from dashboard.layouts import diversion as diversion_layout
from dashboard.layouts import exchange as exchange_layout
from dashboard.layouts import items as items_layout
from dashboard.layouts import package as package_layout
from dashboard.layouts import scenarios as scenarios_layout
from dashboard.layouts import trade as trade_layout
from dashboard.state import AppState


@dataclass(frozen=True)
class Page:
    path: str
    name: str  # navigation label
    title: str  # browser tab title
    layout: Callable[[AppState, str], Any]  # (state, partner) -> component tree
    register_callbacks: Callable[[Dash, AppState], None]
    roles: tuple[str, ...] = ("analyst", "ally")  # who may open the page (server-side, see pages_for)


PAGES: tuple[Page, ...] = (
    Page(
        trade_layout.PATH,
        trade_layout.NAME,
        trade_layout.TITLE,
        trade_layout.layout,
        trade_callbacks.register_callbacks,
    ),
    Page(
        items_layout.PATH,
        items_layout.NAME,
        items_layout.TITLE,
        items_layout.layout,
        items_callbacks.register_callbacks,
    ),
    Page(
        package_layout.PATH,
        package_layout.NAME,
        package_layout.TITLE,
        package_layout.layout,
        package_callbacks.register_callbacks,
        roles=("analyst",),
    ),
    Page(
        scenarios_layout.PATH,
        scenarios_layout.NAME,
        scenarios_layout.TITLE,
        scenarios_layout.layout,
        scenarios_callbacks.register_callbacks,
    ),
    Page(
        allies_layout.PATH,
        allies_layout.NAME,
        allies_layout.TITLE,
        allies_layout.layout,
        allies_callbacks.register_callbacks,
        roles=("analyst",),
    ),
    Page(
        diversion_layout.PATH,
        diversion_layout.NAME,
        diversion_layout.TITLE,
        diversion_layout.layout,
        diversion_callbacks.register_callbacks,
    ),
    Page(
        exchange_layout.PATH,
        exchange_layout.NAME,
        exchange_layout.TITLE,
        exchange_layout.layout,
        exchange_callbacks.register_callbacks,
    ),
)


def pages_for(role: str) -> tuple[Page, ...]:
    """The pages `role` may open (an ally never gets the analyst's tools)."""
    return tuple(p for p in PAGES if role in p.roles)


def page_for(path: str | None, role: str = "analyst") -> Page | None:
    """The page served at `path` (trailing slash ignored) to `role`, None for an unknown or closed path."""
    p = (path or "/").rstrip("/") or "/"
    return next((page for page in pages_for(role) if page.path == p), None)
