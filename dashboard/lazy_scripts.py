"""Component JavaScript loaded only by the pages that use it.

Dash 4 writes a <script> tag for every imported component library on every page, so dash-ag-grid's
1.3 MB main bundle was fetched and run before any page could render, though only the Control list
draws a grid. `install(app, eager_paths)` rewrites the index so that tag becomes one for
`assets/lazy-ag-grid.js`, a small loader carrying the bundle's (fingerprinted) address: it defines
`window.dash_ag_grid` at once, so Dash resolves `AgGrid` anywhere, and loads the bundle the first
time a grid renders. On the pages in `eager_paths` (those whose layout has a grid) the loader
starts the download at once, beside the other scripts, without blocking the page. The bundle stays
registered with Dash (served from `_dash-component-suites` with its long cache lifetime).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import flask
from dash import Dash

LOADER = "lazy-ag-grid.js"
#: the tag Dash writes for the grid's main bundle (fingerprinted: dash_ag_grid.v35_3_0m....min.js)
_GRID_TAG = re.compile(
    r'<script src="(?P<src>[^"]*/_dash-component-suites/dash_ag_grid/dash_ag_grid\.[^"]*\.js)"></script>'
)
GRID_NAMESPACE = "dash_ag_grid"


def uses_namespace(layout: Any, namespace: str = GRID_NAMESPACE) -> bool:
    """Whether a component tree holds a component of library `namespace` (a page with a grid)."""
    return any(getattr(c, "_namespace", None) == namespace for c in _walk(layout))


def _walk(node: Any) -> Iterator[Any]:
    if node is None or isinstance(node, str | int | float):
        return
    if isinstance(node, list | tuple):
        for child in node:
            yield from _walk(child)
        return
    yield node
    for name in getattr(node, "_prop_names", ()):  # children and any component-valued prop
        value = getattr(node, name, None)
        if isinstance(value, list | tuple) or hasattr(value, "_namespace"):
            yield from _walk(value)


def _normal(path: str) -> str:
    return "/" + path.strip("/") if path.strip("/") else "/"


def defer_grid(scripts_html: str, loader_src: str, eager: bool) -> str:
    """`scripts_html` (Dash's script tags) with the grid bundle's tag replaced by the loader's."""

    def tag(m: re.Match[str]) -> str:
        return f'<script src="{loader_src}" data-bundle="{m["src"]}" data-eager="{1 if eager else 0}"></script>'

    return _GRID_TAG.sub(tag, scripts_html, count=1)


def install(app: Dash, eager_paths: Iterable[str], assets: Path) -> None:
    """Serve `app`'s pages without the grid bundle's tag (see the module docstring)."""
    eager = {_normal(p) for p in eager_paths}
    loader = assets / LOADER
    src = f"{app.get_asset_url(LOADER)}?m={int(loader.stat().st_mtime)}"
    original = app._generate_scripts_html

    def scripts_html() -> str:
        path = "/"
        if flask.has_request_context():
            path = _normal(app.strip_relative_path(flask.request.path) or "")
        return defer_grid(original(), src, path in eager)

    app._generate_scripts_html = scripts_html  # type: ignore[method-assign]
