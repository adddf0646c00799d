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


def test_router_swaps_pages_only_on_navigation(shipped_ds, tmp_path):
    app = create_app(home=tmp_path, cache_dir=tmp_path / "jobs")
    client = app.server.test_client()
    key = next(k for k in app.callback_map if k.startswith(f"..{ids.PAGE}.children"))

    def route(path, shown):
        body = {
            "output": key,
            "outputs": [{"id": ids.PAGE, "property": "children"}, {"id": ids.PAGE_PATH, "property": "data"}],
            "inputs": [{"id": ids.URL, "property": "pathname", "value": path}],
            "state": [
                {"id": ids.PAGE_PATH, "property": "data", "value": shown},
                {"id": ids.PARTNER_STORE, "property": "data", "value": "JPN"},
            ],
            "changedPropIds": [f"{ids.URL}.pathname"],
        }
        return client.post("/_dash-update-component", json=body)

    assert route("/", "/").json["response"] == {}  # the URL only confirms the page on display
    swapped = route("/items", "/").json["response"]
    assert swapped[ids.PAGE_PATH]["data"] == "/items"
    assert '"value": "JPN"' in json.dumps(swapped[ids.PAGE]["children"])  # the partner follows the analyst


def test_serve_refuses_a_missing_data_directory(cli, tmp_path):
    code, out, err = cli("serve", "--data", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in err
