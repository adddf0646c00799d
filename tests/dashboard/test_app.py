"""The app factory: pages registered once, the first page inside the layout, bad data refused at start."""

import json

from dashboard import ids
from dashboard.app import create_app
from dashboard.pages import PAGES, page_for


def test_pages_are_registered_in_one_place_with_unique_paths():
    assert [p.path for p in PAGES] == ["/", "/items", "/package", "/scenarios", "/allies", "/diversion", "/exchange"]
    assert page_for("/items/") is PAGES[1] and page_for("/nowhere") is None and page_for(None) is PAGES[0]


def test_the_requested_page_comes_inside_the_layout(shipped_ds, tmp_path):
    app = create_app(home=tmp_path, cache_dir=tmp_path / "jobs")
    client = app.server.test_client()
    layout = json.dumps(client.get("/_dash-layout", headers={"Referer": "http://127.0.0.1:8050/package"}).json)
    assert ids.PKG_RUN in layout and ids.TRADE_KPIS not in layout
    assert '"data": "/package"' in layout  # the router knows which page is already shown
    assert ids.TRADE_KPIS in json.dumps(client.get("/_dash-layout").json)


def _router(tmp_path):
    """A function posting one router callback: the page for `path` given what is shown."""
    app = create_app(home=tmp_path, cache_dir=tmp_path / "jobs")
    client = app.server.test_client()
    key = next(k for k in app.callback_map if k.startswith(f"..{ids.PAGE}.children"))

    def route(path, shown, preview=False, shown_view="internal", partner="JPN", changed=f"{ids.URL}.pathname"):
        body = {
            "output": key,
            "outputs": [
                {"id": ids.PAGE, "property": "children"},
                {"id": ids.PAGE_PATH, "property": "data"},
                {"id": ids.PAGE_VIEW, "property": "data"},
            ],
            "inputs": [
                {"id": ids.URL, "property": "pathname", "value": path},
                {"id": ids.ALLY_PREVIEW, "property": "value", "value": preview},
            ],
            "state": [
                {"id": ids.PAGE_PATH, "property": "data", "value": shown},
                {"id": ids.PAGE_VIEW, "property": "data", "value": shown_view},
                {"id": ids.PARTNER_STORE, "property": "data", "value": partner},
            ],
            "changedPropIds": [changed],
        }
        return client.post("/_dash-update-component", json=body).json["response"]

    return route


def test_router_swaps_pages_only_on_navigation(shipped_ds, tmp_path):
    route = _router(tmp_path)
    assert route("/", "/") == {}  # the URL only confirms the page on display
    swapped = route("/items", "/")
    assert swapped[ids.PAGE_PATH]["data"] == "/items"
    assert '"value": "JPN"' in json.dumps(swapped[ids.PAGE]["children"])  # the partner follows the analyst
    assert ids.ITEMS_OVERRIDE_SAVE in json.dumps(swapped[ids.PAGE]["children"])


def test_the_ally_preview_redraws_the_page_as_an_allys(shipped_ds, tmp_path):
    """The switch changed the data of the callbacks only: the page kept the analyst's tier filter
    and override form, and the navigation the analyst's pages."""
    router = _router(tmp_path)

    def route(path, preview, shown_view):
        return router(path, path, preview, shown_view, partner="CHN", changed=f"{ids.ALLY_PREVIEW}.value")

    ally = route("/items", True, "internal")
    assert ally[ids.PAGE_VIEW]["data"] == "ally"
    text = json.dumps(ally[ids.PAGE]["children"])
    assert ids.ITEMS_OVERRIDE_SAVE not in text and "transactional" not in text
    assert route("/items", True, "ally") == {}  # already drawn for the ally view
    closed = json.dumps(route("/package", True, "internal")[ids.PAGE]["children"])
    assert "not in the ally view" in closed and ids.PKG_RUN not in closed
    back = route("/items", False, "ally")
    assert back[ids.PAGE_VIEW]["data"] == "internal" and ids.ITEMS_OVERRIDE_SAVE in json.dumps(
        back[ids.PAGE]["children"]
    )


def test_serve_refuses_a_missing_data_directory(cli, tmp_path):
    code, out, err = cli("serve", "--data", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in err
