"""Authentication and the ally role, through the Flask test client (server-side, as a browser sees it)."""

import json
import re

import pytest

from dashboard import auth, ids
from dashboard.app import create_app
from dashboard.cli import main as cli_main
from dashboard.logic.ally_view import internal_fields_in
from optimizer.errors import DecontrolError


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.json"
    auth.add_user(path, "ana", "analyst", "analyst-pass-1")
    auth.add_user(path, "jo", "ally", "ally-pass-123")
    return path


@pytest.fixture(scope="module")
def secured_home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def secured(users_file, secured_home, shipped_ds):
    return create_app(
        home=secured_home, cache_dir=secured_home / "jobs", users_file=users_file, login_limit="1000 per minute"
    )


def login(client, user, password):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"csrf": token, "username": user, "password": password})


def callback(client, app, first_output: str, inputs: list[dict], state: list[dict] | None = None, changed: int = 0):
    key = next(k for k in app.callback_map if k.startswith(f"..{first_output}") or k.startswith(first_output))
    outs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in key.strip(".").split("...")]
    body = {
        "output": key,
        "outputs": outs if len(outs) > 1 else outs[0],
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": [f"{inputs[changed]['id']}.{inputs[changed]['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def test_users_file_stores_hashes_and_checks_passwords(users_file):
    text = users_file.read_text()
    assert "ally-pass-123" not in text and "password_hash" in text
    users = auth.load_users(users_file)
    assert auth.check_login(users, "jo", "ally-pass-123") == "ally"
    assert auth.check_login(users, "jo", "wrong-password") is None
    assert auth.check_login(users, "nobody", "ally-pass-123") is None
    with pytest.raises(DecontrolError, match="at least 8"):
        auth.add_user(users_file, "x", "ally", "short")
    with pytest.raises(DecontrolError, match="unknown role"):
        auth.add_user(users_file, "x", "admin", "long-enough-1")


def test_bad_users_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "u.json"
    bad.write_text('{"users": [{"username": "a", "role": "boss"}]}')
    with pytest.raises(DecontrolError, match="bad entries"):
        auth.load_users(bad)
    with pytest.raises(DecontrolError, match="does not exist"):
        auth.load_users(tmp_path / "none.json")


def test_users_add_command_reads_the_password_from_stdin(tmp_path, monkeypatch, capsys):
    import io

    path = tmp_path / "users.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-password\n"))
    with pytest.raises(SystemExit) as exit_:
        cli_main(["users", "add", str(path), "kim", "--role", "ally", "--password-stdin"])
    assert exit_.value.code == 0 and "kim (ally)" in capsys.readouterr().out
    assert auth.check_login(auth.load_users(path), "kim", "s3cret-password") == "ally"


def test_without_login_pages_redirect_and_callbacks_are_refused(secured):
    client = secured.server.test_client()
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert client.get("/items").headers["Location"].startswith("/login?next=/items")
    assert client.get("/_dash-layout").status_code == 401
    r = client.post("/_dash-update-component", json={"output": "x.children", "inputs": []})
    assert r.status_code == 401 and r.json == {"error": "login required"}
    assert client.get("/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v1.min.js").status_code == 401
    page = client.get("/login")
    assert page.status_code == 200 and 'name="csrf"' in page.get_data(as_text=True)


def test_login_needs_the_form_token_and_the_right_password(secured):
    client = secured.server.test_client()
    client.get("/login")
    assert (
        client.post("/login", data={"csrf": "forged", "username": "jo", "password": "ally-pass-123"}).status_code == 400
    )
    assert login(client, "jo", "bad-password").status_code == 401
    assert client.get("/").status_code == 302
    r = login(client, "jo", "ally-pass-123")
    assert r.status_code == 302 and client.get("/").status_code == 200
    client.get("/logout")
    assert client.get("/").status_code == 302


def test_ally_login_shows_the_ally_view_without_analyst_pages(secured):
    client = secured.server.test_client()
    login(client, "jo", "ally-pass-123")
    layout = json.dumps(client.get("/_dash-layout").json)
    assert "Ally view" in layout and "jo (ally)" in layout and "/logout" in layout
    assert '"href": "/package"' not in layout
    pkg = json.dumps(client.get("/_dash-layout", headers={"Referer": "http://x/package"}).json)
    assert ids.PKG_RUN not in pkg and "Page not found" in pkg
    analyst = secured.server.test_client()
    login(analyst, "ana", "analyst-pass-1")
    assert '"href": "/package"' in json.dumps(analyst.get("/_dash-layout").json)


def test_ally_grid_and_item_panel_payloads_carry_no_internal_field(secured):
    client = secured.server.test_client()
    login(client, "jo", "ally-pass-123")
    grid_inputs = [
        {"id": ids.ITEMS_PARTNER, "property": "value", "value": "CHN"},
        {"id": ids.ITEMS_YEAR, "property": "value", "value": None},
        {"id": ids.ITEMS_TIERS, "property": "value", "value": ["legacy"]},
        {"id": ids.ITEMS_OVERRIDE_VERSION, "property": "data", "value": 0},
        {"id": ids.ALLY_PREVIEW, "property": "value", "value": False},
    ]  # the browser cannot widen it
    r = callback(client, secured, ids.ITEMS_GRID, grid_inputs)
    assert r.status_code == 200
    rows = r.json["response"][ids.ITEMS_GRID]["rowData"]
    assert len(rows) > 100 and "tier" not in rows[0] and "risk" not in rows[0]
    assert internal_fields_in(r.json) == []
    eccn = rows[0]["eccn"]
    panel = callback(
        client,
        secured,
        ids.ITEMS_PANEL,
        [
            {"id": ids.ITEMS_SELECTED, "property": "data", "value": eccn},
            {"id": ids.ITEMS_OVERRIDE_VERSION, "property": "data", "value": 0},
        ],
        [
            {"id": ids.ITEMS_PARTNER, "property": "value", "value": "CHN"},
            {"id": ids.ITEMS_YEAR, "property": "value", "value": None},
            {"id": ids.ALLY_PREVIEW, "property": "value", "value": False},
        ],
    )
    assert panel.status_code == 200 and eccn in json.dumps(panel.json)
    assert internal_fields_in(panel.json) == []
    # the same requests from the analyst carry the internal fields (so the check above can fail)
    analyst = secured.server.test_client()
    login(analyst, "ana", "analyst-pass-1")
    full = callback(analyst, secured, ids.ITEMS_GRID, grid_inputs)
    assert "risk" in full.json["response"][ids.ITEMS_GRID]["rowData"][0]


def test_analyst_preview_switch_filters_on_the_server(secured):
    client = secured.server.test_client()
    login(client, "ana", "analyst-pass-1")
    r = callback(
        client,
        secured,
        ids.ITEMS_GRID,
        [
            {"id": ids.ITEMS_PARTNER, "property": "value", "value": "CHN"},
            {"id": ids.ITEMS_YEAR, "property": "value", "value": None},
            {"id": ids.ITEMS_TIERS, "property": "value", "value": None},
            {"id": ids.ITEMS_OVERRIDE_VERSION, "property": "data", "value": 0},
            {"id": ids.ALLY_PREVIEW, "property": "value", "value": True},
        ],
    )
    assert internal_fields_in(r.json) == []


def test_ally_cannot_call_analyst_only_callbacks(secured):
    client = secured.server.test_client()
    login(client, "jo", "ally-pass-123")
    r = callback(
        client,
        secured,
        ids.ITEMS_OVERRIDE_FEEDBACK,
        [{"id": ids.ITEMS_OVERRIDE_SAVE, "property": "n_clicks", "value": 1}],
    )
    assert r.status_code == 403
    r = client.post(
        "/_dash-update-component", json={"output": f"..{ids.PKG_RESULT}.data...{ids.PKG_SHOWN}.data..", "inputs": []}
    )
    assert r.status_code == 403
    # the Allies page (other allies' positions, the shared risk budget) is the analysts' too
    assert '"href": "/allies"' not in json.dumps(client.get("/_dash-layout").json)
    r = callback(client, secured, ids.ALLY_COALITION, [{"id": ids.ALLY_RUN, "property": "n_clicks", "value": 1}])
    assert r.status_code == 403


def test_briefing_download_needs_a_login_and_an_ally_gets_the_ally_files(secured, secured_home, shipped_ds):
    import base64
    import io
    import zipfile

    from dashboard.logic import scenarios
    from dashboard.logic.package import run_package
    from dashboard.logic.package_inputs import FormValues
    from optimizer.audience import INTERNAL_MARKERS
    from optimizer.scenarios import ScenarioStore

    store = ScenarioStore(f"sqlite:///{secured_home / 'scenarios.db'}")
    run = run_package(shipped_ds, FormValues(partner="CHN", target_bn=0.005, modes=["lift", "exception", "approval"]))
    assert scenarios.save_current(store, "for allies", run, None, ds=shipped_ds).ok
    share_id = store.set_shared_title("for allies", "Shared option").share_id
    store.dispose()

    def download(client, kind_button, preview=False, ref=None):
        return callback(
            client,
            secured,
            ids.CMP_DOWNLOAD,
            [
                {"id": ids.CMP_BRIEF_PPTX, "property": "n_clicks", "value": 1 if kind_button == "pptx" else None},
                {"id": ids.CMP_BRIEF_XLSX, "property": "n_clicks", "value": 1 if kind_button == "xlsx" else None},
            ],
            [
                {"id": ids.CMP_PICK, "property": "value", "value": ref or "for allies"},
                {"id": ids.CMP_MARKING, "property": "value", "value": "SHARED WITH PARTNERS"},
                {"id": ids.ALLY_PREVIEW, "property": "value", "value": preview},
            ],
            changed=0 if kind_button == "pptx" else 1,
        )

    anonymous = secured.server.test_client()
    assert download(anonymous, "pptx").status_code == 401
    ally = secured.server.test_client()
    login(ally, "jo", "ally-pass-123")
    # by the internal name: refused (an ally names shared scenarios by their share id only)
    assert "not shared" in json.dumps(download(ally, "pptx").json)
    for kind in ("pptx", "xlsx"):
        r = download(ally, kind, ref=share_id)
        assert r.status_code == 200
        data = r.json["response"][ids.CMP_DOWNLOAD]["data"]
        assert data["filename"] == f"Shared-option-ally.{kind}"
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(data["content"]))) as z:
            # the content parts (a deck's package parts always name its notes master: that is format, not content)
            parts = [
                n for n in z.namelist() if n.endswith(".xml") and (kind == "xlsx" or "slides/" in n or "charts/" in n)
            ]
            text = " ".join(z.read(n).decode("utf-8", "ignore") for n in parts).lower()
        assert parts
        assert [m for m in INTERNAL_MARKERS if m in text] == [], kind
        assert "for allies" not in text and ("shared option" in text or kind == "xlsx"), (
            kind
        )  # the deck is titled by the shared title
    analyst = secured.server.test_client()
    login(analyst, "ana", "analyst-pass-1")
    assert download(analyst, "xlsx").json["response"][ids.CMP_DOWNLOAD]["data"]["filename"].endswith("-internal.xlsx")


# ---------------------------------------------------------------------------------------------------
# Failing closed: one test per finding of the red-team review (revocation, demotion, logout, header
# spoofing, open redirect, enumeration timing, rate limit, headers, signing key, undeclared callbacks).
@pytest.fixture()
def own_users(tmp_path):
    """A users file of its own (tests below edit it), and an app reading it."""
    path = tmp_path / "users.json"
    auth.add_user(path, "ana", "analyst", "analyst-pass-1")
    auth.add_user(path, "jo", "ally", "ally-pass-123")
    app = create_app(home=tmp_path, cache_dir=tmp_path / "jobs", users_file=path, login_limit="1000 per minute")
    return path, app


def test_every_callback_declares_a_role(secured):
    assert auth.undeclared_callbacks(secured) == []
    roles = auth.callback_roles(secured)
    shared = sorted(k for k, r in roles.items() if "ally" in r)
    assert shared and all("ally" not in r for k, r in roles.items() if k not in shared)


def test_a_new_callback_without_a_role_is_found_and_refused_to_allies(own_users):
    from dash import Input, Output

    _path, app = own_users
    app.callback(Output("new-thing", "children"), Input("new-input", "value"))(lambda v: v)
    assert auth.undeclared_callbacks(app) == ["new-thing.children"]
    ally = app.server.test_client()
    login(ally, "jo", "ally-pass-123")
    r = callback(ally, app, "new-thing", [{"id": "new-input", "property": "value", "value": 1}])
    assert r.status_code == 403
    analyst = app.server.test_client()
    login(analyst, "ana", "analyst-pass-1")
    assert (
        callback(analyst, app, "new-thing", [{"id": "new-input", "property": "value", "value": 1}]).status_code == 200
    )
    # a callback the app does not have is refused to everyone
    assert analyst.post("/_dash-update-component", json={"output": "nope.children", "inputs": []}).status_code == 403


def test_deleting_a_user_ends_their_session_at_the_next_request(own_users):
    path, app = own_users
    client = app.server.test_client()
    login(client, "jo", "ally-pass-123")
    assert client.get("/_dash-layout").status_code == 200
    auth.remove_user(path, "jo")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/").status_code == 302


def test_demoting_an_analyst_takes_effect_at_once(own_users):
    path, app = own_users
    client = app.server.test_client()
    login(client, "ana", "analyst-pass-1")
    side = [
        {"id": ids.PKG_PARTNER, "property": "value", "value": "CHN"},
        {"id": ids.PKG_YEAR, "property": "value", "value": None},
    ]
    assert callback(client, app, ids.PKG_SIDE_TRADE, side).status_code == 200
    users = json.loads(path.read_text())
    for u in users["users"]:
        if u["username"] == "ana":
            u["role"] = "ally"
    path.write_text(json.dumps(users))
    assert callback(client, app, ids.PKG_SIDE_TRADE, side).status_code == 403
    assert "ana (ally)" in json.dumps(client.get("/_dash-layout").json)


def test_a_copied_cookie_is_dead_after_logout(own_users):
    _path, app = own_users
    client = app.server.test_client()
    login(client, "ana", "analyst-pass-1")
    cookie = client.get_cookie("session").value
    client.get("/logout")
    thief = app.server.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/_dash-layout").status_code == 401


def test_the_proxy_header_is_believed_from_the_trusted_proxy_only(tmp_path, capsys):
    app = create_app(
        home=tmp_path, cache_dir=tmp_path / "jobs", auth_header="X-Forwarded-User", trusted_proxies=("10.0.0.7",)
    )
    client = app.server.test_client()
    spoof = {"X-Forwarded-User": "mallory", "X-Forwarded-User-Role": "analyst"}
    r = client.get("/_dash-layout", headers=spoof)  # from 127.0.0.1: not the proxy
    assert r.status_code == 403
    side = [
        {"id": ids.PKG_PARTNER, "property": "value", "value": "CHN"},
        {"id": ids.PKG_YEAR, "property": "value", "value": None},
    ]
    key = next(k for k in app.callback_map if k.startswith(ids.PKG_SIDE_TRADE))
    body = {
        "output": key,
        "outputs": {"id": ids.PKG_SIDE_TRADE, "property": "children"},
        "inputs": side,
        "state": [],
        "changedPropIds": [f"{ids.PKG_PARTNER}.value"],
    }
    assert client.post("/_dash-update-component", json=body, headers=spoof).status_code == 403
    proxied = app.server.test_client()
    proxied.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert proxied.post("/_dash-update-component", json=body, headers=spoof).status_code == 200
    ally = {"X-Forwarded-User": "tokyo"}  # no role header: the narrower view
    assert proxied.post("/_dash-update-component", json=body, headers=ally).status_code == 403
    with pytest.raises(DecontrolError, match="--trusted-proxy"):
        create_app(home=tmp_path, auth_header="X-Forwarded-User")
    with pytest.raises(SystemExit) as exit_:
        cli_main(["serve", "--auth-header", "X-Forwarded-User"])
    assert exit_.value.code == 2 and "--trusted-proxy" in capsys.readouterr().err


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/\n/evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_next_never_leaves_the_site(target):
    assert auth.safe_next(target) == "/"


def test_login_redirect_with_a_tab_stays_on_the_site(secured):
    client = secured.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = client.post(
        "/login?next=/%09/evil.example", data={"csrf": token, "username": "jo", "password": "ally-pass-123"}
    )
    assert r.status_code == 302 and r.headers["Location"] == "/"
    client.get("/logout")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = client.post("/login?next=/items", data={"csrf": token, "username": "jo", "password": "ally-pass-123"})
    assert r.headers["Location"] == "/items"
    assert auth.safe_next("/items?partner=JPN") == "/items?partner=JPN"


def test_unknown_users_take_as_long_to_refuse_as_known_ones(secured):
    """Interleaved sign-ins, median of each: the old code took twice as long for an unknown user."""
    import statistics
    import time

    client = secured.server.test_client()
    times: dict[str, list[float]] = {"jo": [], "nobody-here": []}
    for _ in range(7):
        for user in times:
            t0 = time.perf_counter()
            assert login(client, user, "wrong-password-1").status_code == 401
            times[user].append(time.perf_counter() - t0)
    ratio = statistics.median(times["nobody-here"]) / statistics.median(times["jo"])
    assert 0.7 < ratio < 1.4, (ratio, times)


def test_sign_in_is_rate_limited_per_address_and_per_user(tmp_path, users_file):
    app = create_app(home=tmp_path, cache_dir=tmp_path / "jobs", users_file=users_file, login_limit="5 per minute")
    client = app.server.test_client()
    codes = [login(client, "jo", "wrong-password").status_code for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    assert "Too many sign-in attempts" in login(client, "jo", "ally-pass-123").get_data(as_text=True)
    # one user name attacked from many addresses is limited too
    codes = []
    for i in range(7):
        other = app.server.test_client()
        other.environ_base["REMOTE_ADDR"] = f"10.1.0.{i}"
        codes.append(login(other, "ana", "wrong-password").status_code)
    assert codes[-1] == 429


def test_every_response_carries_the_security_headers(secured):
    client = secured.server.test_client()
    for r in (client.get("/login"), client.get("/_dash-layout")):
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self' 'sha256-" in csp and "unsafe-eval" not in csp


def test_several_workers_need_the_signing_key_from_the_environment(tmp_path, users_file, monkeypatch):
    monkeypatch.delenv("DECONTROL_SECRET_KEY", raising=False)
    with pytest.raises(DecontrolError, match="DECONTROL_SECRET_KEY"):
        create_app(home=tmp_path, users_file=users_file, shared_key=True)
    monkeypatch.setenv("DECONTROL_SECRET_KEY", "k" * 40)
    assert create_app(home=tmp_path, users_file=users_file, shared_key=True).server.secret_key == "k" * 40
