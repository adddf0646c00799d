"""Table downloads through the server: the role in the session decides the columns, not the browser."""

from __future__ import annotations

import pytest

from dashboard import auth, ids
from dashboard.app import create_app
from dashboard.logic.ally_view import internal_fields_in
from tests.dashboard.test_auth import callback, login


@pytest.fixture(scope="module")
def app(tmp_path_factory, shipped_ds):
    home = tmp_path_factory.mktemp("home")
    users = home / "users.json"
    auth.add_user(users, "ana", "analyst", "analyst-pass-1")
    auth.add_user(users, "jo", "ally", "ally-pass-123")
    return create_app(home=home, cache_dir=home / "jobs", users_file=users, login_limit="1000 per minute")


def _items_csv(app, user: str, password: str) -> dict:
    client = app.server.test_client()
    login(client, user, password)
    r = callback(
        client,
        app,
        ids.ITEMS_DOWNLOAD,
        [
            {"id": ids.ITEMS_CSV, "property": "n_clicks", "value": 1},
            {"id": ids.ITEMS_XLSX, "property": "n_clicks", "value": None},
        ],
        [
            {"id": ids.ITEMS_GRID, "property": "virtualRowData", "value": [{"eccn": "5A003"}, {"eccn": "2B991"}]},
            {"id": ids.ITEMS_PARTNER, "property": "value", "value": "CHN"},
            {"id": ids.ITEMS_YEAR, "property": "value", "value": None},
            {"id": ids.ALLY_PREVIEW, "property": "value", "value": False},  # the browser cannot widen it
        ],
    )
    assert r.status_code == 200
    return r.json["response"][ids.ITEMS_DOWNLOAD]["data"]


def test_an_ally_downloads_the_ally_columns_and_the_analyst_the_internal_ones(app):
    ally = _items_csv(app, "jo", "ally-pass-123")
    assert "5A003" in ally["content"] and "# SYNTHETIC" in ally["content"]
    assert internal_fields_in(ally) == []
    analyst = _items_csv(app, "ana", "analyst-pass-1")
    assert "risk" in internal_fields_in(analyst)  # so the check above can fail
