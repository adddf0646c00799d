"""The ally view has no leak: every callback an ally can reach, called as an ally on a server where an
analyst has tagged an item transactional and saved scenarios under internal names, answers with
shared facts only (no internal field, no tier, no internal scenario name)."""

from __future__ import annotations

import json
import re

import pytest
from dash.development.base_component import Component

from dashboard import auth, ids
from dashboard.app import create_app
from dashboard.logic.ally_view import internal_fields_in
from dashboard.state import AppState, item_table

INTERNAL_NAMES = ("China 2bn, 3A991 locked", "Fallback: keep NS2 for KOR")


def login(client, user, password):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"csrf": token, "username": user, "password": password})


def layout_values(app) -> dict[tuple[str, str], object]:
    """(component id, property) -> the value the layout gives it (what the browser would send)."""
    out: dict[tuple[str, str], object] = {}

    def walk(node):
        if isinstance(node, Component):
            cid = getattr(node, "id", None)
            if isinstance(cid, str):
                for prop in node._prop_names:
                    out[(cid, prop)] = getattr(node, prop, None)
            for child in node._traverse():
                walk(child)

    walk(app.validation_layout)
    return out


@pytest.fixture(scope="module")
def session(tmp_path_factory, shipped_ds):
    """A server with an analyst's transactional tag, two scenarios shared under titles, and an ally."""
    home = tmp_path_factory.mktemp("ally-home")
    users = home / "users.json"
    auth.add_user(users, "ana", "analyst", "analyst-pass-1")
    auth.add_user(users, "jo", "ally", "ally-pass-123")
    state = AppState(None, home)
    items = item_table(state.dataset(), "CHN")
    traded = items[
        (items["tier"] != "transactional") & (items["value_usd"].fillna(0) > 0) & (items["hs6"].fillna("") != "")
    ]
    tagged = traded.iloc[0]["eccn"]  # an item with trade, whatever tier the rules gave it
    from dashboard.logic.items import record_override

    record_override(state, tagged, "transactional", "bargaining chip for the gallium talks", "ana")
    from dashboard.layouts.package import MODE_OPTIONS
    from dashboard.logic import scenarios
    from dashboard.logic.package import run_package
    from dashboard.logic.package_inputs import FormValues

    store = state.scenario_store()
    run = run_package(
        state.dataset(), FormValues(partner="CHN", target_bn=0.005, modes=[o["value"] for o in MODE_OPTIONS])
    )
    for name, title in zip(INTERNAL_NAMES, ("Option A", "Option B")):
        assert scenarios.save_current(store, name, run, None, ds=state.dataset()).ok
        assert scenarios.share(store, name, title).ok
    app = create_app(home=home, cache_dir=home / "jobs", users_file=users, login_limit="1000 per minute")
    return app, store, tagged


def _call(client, app, key: str, values: dict, overrides: dict) -> tuple[int, dict]:
    entry = app.callback_map[key]
    deps = next(d for d in app._callback_list if d["output"] == key)

    def arg(dep):
        cid, prop = dep["id"], dep["property"]
        value = overrides.get((cid, prop), values.get((cid, prop)))
        return {"id": cid, "property": prop, "value": value}

    inputs, state = [arg(d) for d in deps["inputs"]], [arg(d) for d in deps["state"]]
    outs = [dict(zip(("id", "property"), o.split("@")[0].rsplit(".", 1))) for o in key.strip(".").split("...")]
    body = {
        "output": key,
        "outputs": outs if len(outs) > 1 else outs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    assert entry["callback"] is not None
    r = client.post("/_dash-update-component", json=body)
    return r.status_code, (r.json if r.status_code == 200 else {})


def test_every_callback_an_ally_reaches_sends_shared_facts_only(session):
    app, store, tagged = session
    shared = [k for k, roles in auth.callback_roles(app).items() if roles and "ally" in roles]
    assert len(shared) >= 8  # trade, control list, scenarios, the router
    ally = app.server.test_client()
    login(ally, "jo", "ally-pass-123")
    share_ids = [r.share_id for r in store.shared()]
    values = layout_values(app)
    overrides = {
        (ids.ITEMS_SELECTED, "data"): tagged,
        (ids.ITEMS_PARTNER, "value"): "CHN",
        (ids.TRADE_PARTNER, "value"): "CHN",
        (ids.CMP_PICK, "value"): share_ids[0],
        (ids.CMP_SELECT, "value"): share_ids,
        (ids.CMP_BRIEF_PPTX, "n_clicks"): 1,
        (ids.ALLY_PREVIEW, "value"): False,
        (ids.URL, "pathname"): "/items",
        (ids.ITEMS_GRID, "selectedRows"): [{"eccn": tagged}],
    }
    from dashboard.pages import pages_for

    calls = [(k, overrides) for k in shared if ids.PAGE not in k]
    calls += [
        (k, {**overrides, (ids.URL, "pathname"): p.path}) for k in shared if ids.PAGE in k for p in pages_for("ally")
    ]
    calls += [(k, {**overrides, (ids.URL, "pathname"): "/package"}) for k in shared if ids.PAGE in k]
    seen = {}
    for key, over in calls:
        status, payload = _call(ally, app, key, values, over)
        assert status in (200, 204), (key, status)
        text = json.dumps(payload)
        assert internal_fields_in(payload) == [], key
        assert not [t for t in ("transactional", "legacy", "foundational") if t in text.lower()], key
        assert not any(n in text for n in INTERNAL_NAMES), key
        seen[key] = seen.get(key, "") + text
    # the calls reached real content: the overlay, the item panel, the compared and briefed scenarios
    trade = next(t for k, t in seen.items() if ids.TRADE_CONTROLLED in k)
    assert "Controlled trade" in trade
    panel = next(t for k, t in seen.items() if f"{ids.ITEMS_PANEL}.title" in k)
    assert tagged in panel and "Unrealised US export potential to China" in panel
    assert "US exports to China," not in panel  # the gap is not what the US exports today
    assert "Option A" in next(t for k, t in seen.items() if ids.CMP_TOTALS in k)
    assert "Option-A-ally.pptx" in next(t for k, t in seen.items() if ids.CMP_DOWNLOAD in k)


def test_the_same_calls_from_the_analyst_carry_the_internal_fields(session):
    """So the test above can fail: the analyst's trade overlay shows the transactional series."""
    app, store, tagged = session
    analyst = app.server.test_client()
    login(analyst, "ana", "analyst-pass-1")
    key = next(k for k in app.callback_map if ids.TRADE_CONTROLLED in k)
    status, payload = _call(
        analyst, app, key, layout_values(app), {(ids.TRADE_PARTNER, "value"): "CHN", (ids.ALLY_PREVIEW, "value"): False}
    )
    assert status == 200 and "Transactional" in json.dumps(payload)
    key = next(k for k in app.callback_map if ids.CMP_LIST in k)
    status, payload = _call(analyst, app, key, layout_values(app), {(ids.ALLY_PREVIEW, "value"): False})
    assert INTERNAL_NAMES[0] in json.dumps(payload)
    # the analyst's preview switch narrows to the ally view on the server
    status, payload = _call(analyst, app, key, layout_values(app), {(ids.ALLY_PREVIEW, "value"): True})
    assert INTERNAL_NAMES[0] not in json.dumps(payload) and "Option A" in json.dumps(payload)


def test_an_ally_cannot_open_an_unshared_scenario_by_guessing(session):
    app, store, _ = session
    store.set_shared_title(INTERNAL_NAMES[1], "")
    try:
        ally = app.server.test_client()
        login(ally, "jo", "ally-pass-123")
        key = next(k for k in app.callback_map if ids.CMP_DOWNLOAD in k)
        for ref in (INTERNAL_NAMES[1], "0" * 16):
            status, payload = _call(
                ally,
                app,
                key,
                layout_values(app),
                {(ids.CMP_PICK, "value"): ref, (ids.CMP_BRIEF_PPTX, "n_clicks"): 1, (ids.ALLY_PREVIEW, "value"): False},
            )
            text = json.dumps(payload)
            assert status == 200 and "not shared" in text and "content" not in text
    finally:
        store.set_shared_title(INTERNAL_NAMES[1], "Option B")


def _file(name: str, text: str) -> dict:
    """A download as `dcc.send_bytes` sends it: an XLSX-like zip holding `text` in one XML part."""
    import base64
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, text)
    return {"content": base64.b64encode(buf.getvalue()).decode(), "base64": True, "filename": "x.xlsx"}


def test_notes_count_as_a_field_or_label_not_as_a_word_of_an_hs_name():
    hs_names = {
        "heading": "Games; operated by coins, banknotes, bank cards, tokens or by other means of payment",
        "hs_name": "Insecticides; other than containing goods specified in Subheading Notes 1 & 2 to this Chapter",
        "source": "country chart footnotes",
    }
    assert internal_fields_in(hs_names) == []
    assert internal_fields_in([_file("xl/sharedStrings.xml", "<si><t>banknotes</t></si>")]) == []
    # a real leak: the field as a key, a column, a label, a CSV header, an identifier, a workbook cell
    leaks = [
        {"eccn": "3A991", "notes": "keep for the gallium talks"},
        {"columns": [{"name": "Notes", "id": "eccn"}]},
        {"children": "Notes: keep for the gallium talks"},
        {"content": "eccn,heading,notes\n3A991,x,y\n", "filename": "items.csv"},
        {"content": "notes,eccn\n3A991,x\n", "filename": "items.csv"},
        {"analyst_notes": ""},
        [_file("xl/sharedStrings.xml", "<si><t>eccn</t></si><si><t>notes</t></si>")],
    ]
    for leak in leaks:
        assert internal_fields_in(leak) == ["notes"], leak
