"""Scenario actions of the dashboard (save, open, stale refusal, rename, duplicate, delete), the
comparison, ally positions in saved inputs, and the briefing download for each audience."""

import io
import json
import zipfile

import pytest

from dashboard.logic import compare, scenarios, scenarios_page
from dashboard.logic.ally_view import internal_fields_in
from dashboard.logic.package import run_package
from dashboard.logic.package_inputs import FormValues
from optimizer.audience import INTERNAL_MARKERS
from optimizer.scenarios import ScenarioStore
from optimizer.scenarios.run import run_inputs


@pytest.fixture(autouse=True)
def _dataset(shipped_ds, monkeypatch):
    """Saves solve the package again on the server: on the shipped data here."""
    real = scenarios.save_current
    monkeypatch.setattr(scenarios, "save_current", lambda *a, **k: real(*a, **{"ds": shipped_ds, **k}))


@pytest.fixture()
def store(tmp_path):
    s = ScenarioStore(f"sqlite:///{tmp_path / 'scenarios.db'}")
    yield s
    s.dispose()


@pytest.fixture(scope="module")
def runs(shipped_ds):
    """Two builder runs for China: a small target, and a larger one with an ally's opposition."""
    small = run_package(shipped_ds, FormValues(partner="CHN", target_bn=0.002, modes=["lift"]))
    big = run_package(shipped_ds, FormValues(partner="CHN", target_bn=0.005, modes=["lift", "exception", "approval"]))
    assert small["ok"] and big["ok"] and small["package"]["items"] and big["package"]["items"]
    return small, big


def test_save_open_and_save_again_from_the_opened_version(store, runs):
    small, _ = runs
    out = scenarios.save_current(store, "China small", small, None, author="ana")
    assert out.ok and out.opened == {"name": "China small", "version": 1}
    form, opened = scenarios.open_scenario(store, "China small")
    assert opened.ok and opened.opened["version"] == 1
    assert form["partner"] == "CHN" and form["target_bn"] == pytest.approx(0.002) and form["modes"] == ["lift"]
    assert len(form["caps"]) == 10 and len(form["ally_oppose"]) == 5
    again = scenarios.save_current(store, "China small", small, opened.opened, author="ana")
    assert again.ok and again.opened["version"] == 2


def test_opening_a_scenario_solves_its_package_again_and_names_it(store, runs, shipped_ds):
    small, _ = runs
    scenarios.save_current(store, "China small", small, None, author="ana")
    form, _ = scenarios.open_scenario(store, "China small")
    assert form["opened"] == {"name": "China small", "version": 1}
    result, note = scenarios.run_opened(shipped_ds, form)
    assert result is not None and result["ok"]
    assert [line["eccn"] for line in result["package"]["items"]] == [line["eccn"] for line in small["package"]["items"]]
    assert note.startswith("Scenario 'China small' (version 1) is open")
    # the Allies page's hand-off fills the form only: nothing is solved, nothing is named
    assert scenarios.run_opened(shipped_ds, {k: v for k, v in form.items() if k != "opened"}) == (None, "")


def test_a_stale_save_is_refused_and_writes_nothing(store, runs):
    small, big = runs
    scenarios.save_current(store, "shared", small, None, author="ana")
    _, mine = scenarios.open_scenario(store, "shared")
    _, theirs = scenarios.open_scenario(store, "shared")
    assert scenarios.save_current(store, "shared", big, theirs.opened, author="kim").ok
    stale = scenarios.save_current(store, "shared", small, mine.opened, author="ana")
    assert not stale.ok and "after the version 1 you edited" in stale.message and "nothing was saved" in stale.message
    rec = store.get("shared")
    assert rec.version == 2 and rec.author == "kim"
    taken = scenarios.save_current(store, "shared", small, None)
    assert not taken.ok and "already exists" in taken.message


def test_nothing_to_save_and_no_name_are_clear_messages(store, runs):
    assert "run one in the Package builder" in scenarios.save_current(store, "x", None, None).message
    assert scenarios.save_current(store, "  ", runs[0], None).message == "Give the scenario a name."


def test_rename_duplicate_delete_and_list(store, runs):
    scenarios.save_current(store, "a", runs[0], None)
    assert scenarios.rename(store, "a", "b").ok
    assert not scenarios.rename(store, "missing", "c").ok
    assert scenarios.duplicate(store, "b", "c", author="kim").ok
    assert not scenarios.duplicate(store, "b", "c").ok  # the name is taken
    assert [r["name"] for r in scenarios.scenario_rows(store)] == ["b", "c"]
    assert scenarios.delete(store, "b").ok and not scenarios.delete(store, "b").ok
    rows = scenarios.scenario_rows(store)
    assert [r["name"] for r in rows] == ["c"] and rows[0]["partner"] == "CHN" and rows[0]["n_items"] > 0


def test_ally_positions_are_saved_and_an_opposed_item_leaves_the_package(store, runs):
    small, _ = runs
    first = small["package"]["items"][0]["eccn"]
    inputs = scenarios.inputs_from_run(small)
    base = run_inputs(inputs)
    assert first in {d["eccn"] for d in base.result.to_dict()["items"]}  # saved inputs re-run to the same package
    opposed = {
        **inputs,
        "ally_positions": {"JPN": {first: "oppose"}},
        "scenario": {**inputs["scenario"], "allies": ["JPN"]},
    }
    after = run_inputs(opposed)
    chosen = {d["eccn"] for d in after.result.to_dict()["items"]}
    assert first not in chosen and after.result.found
    # the builder's oppositions travel with the saved inputs and reopen into its form
    with_ally = {**small, "positions": {"JPN": [first]}}
    assert scenarios.inputs_from_run(with_ally)["ally_positions"] == {"JPN": {first: "oppose"}}
    scenarios.save_current(store, "with JPN", with_ally, None)
    form, _ = scenarios.open_scenario(store, "with JPN")
    assert form["ally_oppose"][1] == first  # ALLIES order: GBR, JPN, ...


def test_compare_shows_totals_and_the_package_diff(store, runs, shipped_ds):
    small, big = runs
    scenarios.save_current(store, "small", small, None)
    scenarios.save_current(store, "big", big, None)
    records = [store.get("small"), store.get("big")]
    (d,) = compare.diffs(records)
    lines_small, lines_big = (compare.package_lines(r.results) for r in records)
    assert set(d["added"]) == set(lines_big) - set(lines_small)
    assert set(d["removed"]) == set(lines_small) - set(lines_big)
    assert d["added"] or d["removed"] or d["mode_changed"]
    assert compare.package_diff({"A": "lift", "B": "lift"}, {"B": "exception", "C": "lift"}) == {
        "added": ["C"],
        "removed": ["A"],
        "mode_changed": [("B", "lift", "exception")],
    }
    totals, diff, fig = scenarios_page.compare_view(store, shipped_ds, ["small", "big"], None, "internal")
    assert "Total risk" in json.dumps(totals.to_plotly_json(), default=str)
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    stars = [t for t in fig.data if t.marker.symbol == "star"]
    assert len(lines) == 2 and fig.layout.yaxis.title.text.startswith("Least total risk")
    assert [t.name for t in stars] == ["small: chosen package", "big: chosen package"]
    assert stars[0].x[0] * 1e9 == pytest.approx(small["package"]["achieved_usd"])
    inputs = json.dumps(diff[0].to_plotly_json(), default=str)
    assert "Inputs that differ" in inputs and "Target" in inputs and "Relief modes" in inputs
    assert "Trade year" not in inputs  # the same in both: not listed
    refs = [store.set_shared_title(n, t).share_id for n, t in (("small", "Option 1"), ("big", "Option 2"))]
    ally_totals, ally_diff, ally_fig = scenarios_page.compare_view(store, shipped_ds, refs, None, "ally")
    payload = [ally_totals.to_plotly_json(), [c.to_plotly_json() for c in ally_diff], ally_fig.to_plotly_json()]
    assert internal_fields_in(json.loads(json.dumps(payload, default=str))) == []
    text = json.dumps(payload, default=str)
    assert "Option 1" in text and '"small"' not in text and "'small'" not in text
    assert ally_fig.layout.xaxis.title.text == "Items in the package"
    assert [t.x[0] for t in ally_fig.data if t.marker.symbol == "star"] == [
        len(small["package"]["items"]),
        len(big["package"]["items"]),
    ]


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))


def _pptx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return " ".join(
            z.read(n).decode("utf-8", "ignore")
            for n in z.namelist()
            if n.endswith(".xml") and ("slides/" in n or "charts/" in n or "embeddings" in n)
        )


def test_briefing_download_for_an_ally_has_no_internal_field(store, runs):
    scenarios.save_current(store, "brief", runs[0], None)
    unshared, alert = scenarios_page.brief_download(store, "brief", "pptx", "", None, "ally")
    assert unshared is None and "not shared" in json.dumps(alert.to_plotly_json(), default=str)
    ref = store.set_shared_title("brief", "Joint option").share_id
    deck, note = scenarios_page.brief_download(store, ref, "pptx", "OFFICIAL", None, "ally")
    assert deck["filename"] == "Joint-option-ally.pptx" and "ally view" in note
    import base64

    pptx = base64.b64decode(deck["content"])
    text = _pptx_text(pptx).lower()
    assert "official" in text
    assert [m for m in INTERNAL_MARKERS if m in text] == []
    assert "joint option" in text and "brief" not in text.replace("briefing", "")
    xlsx, _ = scenarios_page.brief_download(store, ref, "xlsx", "", None, "ally")
    text = _xlsx_text(base64.b64decode(xlsx["content"])).lower()
    assert [m for m in INTERNAL_MARKERS if m in text] == []
    internal, _ = scenarios_page.brief_download(store, "brief", "xlsx", "", None, "internal")
    assert "risk" in _xlsx_text(base64.b64decode(internal["content"])).lower()  # the check above can fail
    missing, alert = scenarios_page.brief_download(store, None, "pptx", "", None, "ally")
    assert missing is None and "Choose a saved scenario" in json.dumps(alert.to_plotly_json(), default=str)


def test_saved_results_are_solved_on_the_server_not_taken_from_the_browser(store, runs, shipped_ds):
    forged = json.loads(json.dumps(runs[0]))
    forged["package"]["achieved_usd"] = 9.9e12
    forged["package"]["items"] = [{"eccn": "3A090", "mode": "full", "value_usd": 9.9e12}]
    out = scenarios.save_current(store, "forged", forged, None)
    assert out.ok
    rec = store.get("forged")
    assert rec.results["achieved_usd"] == runs[0]["package"]["achieved_usd"]
    assert [i["eccn"] for i in rec.results["items"]] == [i["eccn"] for i in runs[0]["package"]["items"]]
    bad = json.loads(json.dumps(runs[0]))
    bad["scenario"]["target_usd"] = "lots"
    refused = scenarios.save_current(store, "bad", bad, None)
    assert not refused.ok and "target_usd" in refused.message and not store.exists("bad")


def test_concurrent_saves_each_get_the_version_they_wrote(store, runs):
    """Two analysts save the same scenario over and over: every save that succeeds reports a version
    no other save reports, so the next save from it is refused rather than overwriting unseen work."""
    import threading

    scenarios.save_current(store, "shared", runs[0], None)
    results = {"ana": [], "kim": []}

    def analyst(who):
        opened = {"name": "shared", "version": store.get("shared").version}
        for _ in range(15):
            out = scenarios.save_current(store, "shared", runs[0], opened, author=who)
            if out.ok:
                results[who].append(out.opened["version"])
                opened = out.opened
            else:
                assert "was saved by" in out.message
                opened = {"name": "shared", "version": store.get("shared").version}

    threads = [threading.Thread(target=analyst, args=(w,)) for w in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    versions = results["ana"] + results["kim"]
    assert len(versions) == len(set(versions))  # nobody was told a version someone else wrote
    assert store.get("shared").version == 1 + len(versions)


def test_concurrent_renames_to_one_name_give_a_clear_message(store, runs):
    import threading

    for n in ("a", "b", "c"):
        scenarios.save_current(store, n, runs[0], None)
    outcomes = []
    threads = [threading.Thread(target=lambda n=n: outcomes.append(scenarios.rename(store, n, "final"))) for n in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(o.ok for o in outcomes) == 1
    assert all("already exists" in o.message or "just saved by someone else" in o.message for o in outcomes if not o.ok)


def test_a_corrupt_or_unwritable_database_is_a_clear_message(tmp_path, runs):
    from optimizer.errors import DecontrolError

    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DecontrolError, match="not a readable SQLite database"):
        ScenarioStore(f"sqlite:///{bad}")
    ok = tmp_path / "s.db"
    ScenarioStore(f"sqlite:///{ok}").dispose()
    ro = ScenarioStore(f"sqlite:///file:{ok}?mode=ro&uri=true")  # as a read-only mount or file would be
    out = scenarios.save_current(ro, "x", runs[0], None)
    assert not out.ok and "scenario database" in out.message and "cannot be written" in out.message
    assert "nothing was changed" in out.message and "Traceback" not in out.message
    ro.dispose()
