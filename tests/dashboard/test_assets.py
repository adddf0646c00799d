"""The browser gets everything from this server: no CDN, and the vendored plotly.js matches plotly.py."""

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from dashboard.app import ASSETS
from dashboard.figures import common, items, package, trade

BASIC_TRACES = {"scatter", "bar", "pie"}


def test_no_asset_pulls_anything_from_the_network():
    for path in ASSETS.rglob("*.css"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"@import\s+url", text), f"{path.name} imports a stylesheet"
        assert not re.search(r"url\((['\"]?)https?://", text), f"{path.name} loads a remote resource"


def test_vendored_plotly_bundle_matches_the_plotly_python_package():
    bundles = list(ASSETS.glob("plotly-basic-*.min.js"))
    assert len(bundles) == 1
    assert bundles[0].name == f"plotly-basic-{get_plotlyjs_version()}.min.js", (
        "plotly.py was upgraded: vendor the plotly.js-basic-dist-min build of the same version"
    )


def test_graphs_get_the_basic_bundle_and_pages_do_not_preload_it(shipped_ds):
    from dashboard.app import PLOTLY_ROUTE, create_app

    app = create_app()
    client = app.server.test_client()
    js = client.get(PLOTLY_ROUTE)
    assert js.status_code == 200 and js.data.startswith(b"/**\n* plotly.js (basic")
    index = client.get("/").data.decode()
    assert "plotly-basic" not in index and "00-bootstrap-flatly.min.css" in index


def test_figures_only_use_trace_types_of_the_basic_bundle():
    source = "".join(Path(m.__file__).read_text() for m in (common, items, package, trade))
    used = set(re.findall(r"go\.(\w+)\(", source)) | {f"add_{t}" for t in re.findall(r"add_(\w+)\(", source)}
    traces = {u.lower() for u in used if u not in ("Figure",)} - {"add_annotation", "add_shape", "add_vline", "layout"}
    traces = {t.removeprefix("add_") for t in traces}
    assert traces <= BASIC_TRACES, f"trace types outside plotly.js basic: {traces - BASIC_TRACES}"
