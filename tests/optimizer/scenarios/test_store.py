"""Scenario store: round trips, optimistic concurrency, strict imports (SQLite; PostgreSQL when a URL is given)."""

from __future__ import annotations

import json
import os

import pytest

from optimizer.errors import DecontrolError
from optimizer.scenarios import ScenarioStore, StaleScenarioError
from optimizer.scenarios.exchange import import_scenario, read_scenario_file, write_scenario_file

INPUTS = {"partner": "CHN", "year": 2024, "scenario": {"target_usd": 2e9, "objective": "min-risk"}}
RESULTS = {"status": "optimal", "achieved_usd": 2.1e9, "items": [{"eccn": "2B991", "mode": "lift"}]}


def _urls():
    yield "sqlite"
    if os.environ.get("DECONTROL_TEST_PG_URL"):
        yield "postgresql"


@pytest.fixture(params=list(_urls()))
def store(request, tmp_path):
    if request.param == "sqlite":
        s = ScenarioStore(f"sqlite:///{tmp_path / 'nested' / 'scenarios.db'}")
    else:
        s = ScenarioStore(os.environ["DECONTROL_TEST_PG_URL"])
        for rec in s.list():
            s.delete(rec.name)
    yield s
    s.dispose()


def test_round_trip_keeps_inputs_results_and_provenance(store):
    rec = store.save(
        "China legacy 2bn", INPUTS, RESULTS, dataset_id="abc123", vintage="eCFR 2026-07-23", author="analyst1"
    )
    assert rec.version == 1
    got = store.get("China legacy 2bn")
    assert got.inputs == INPUTS and got.results == RESULTS
    assert (got.dataset_id, got.vintage, got.author) == ("abc123", "eCFR 2026-07-23", "analyst1")
    assert got.created_at.endswith("+00:00")
    assert [r.name for r in store.list()] == ["China legacy 2bn"]


def test_save_from_current_version_bumps_it(store):
    store.save("s", INPUTS, RESULTS)
    rec = store.save("s", INPUTS, {**RESULTS, "achieved_usd": 3e9}, base_version=1)
    assert rec.version == 2
    assert store.get("s").results["achieved_usd"] == 3e9


def test_stale_save_is_refused_and_overwrites_nothing(store):
    store.save("s", INPUTS, RESULTS, author="a")
    store.save("s", INPUTS, {**RESULTS, "achieved_usd": 3e9}, base_version=1, author="b")
    with pytest.raises(StaleScenarioError, match="version 2"):
        store.save("s", INPUTS, {**RESULTS, "achieved_usd": 9e9}, base_version=1, author="c")
    got = store.get("s")
    assert got.version == 2 and got.results["achieved_usd"] == 3e9 and got.author == "b"


def test_creating_an_existing_name_is_refused(store):
    store.save("s", INPUTS, RESULTS)
    with pytest.raises(DecontrolError, match="already exists"):
        store.save("s", INPUTS, {"other": 1})
    assert store.get("s").results == RESULTS


def test_rename_duplicate_delete(store):
    store.save("a", INPUTS, RESULTS)
    store.rename("a", "b")
    assert [r.name for r in store.list()] == ["b"]
    store.duplicate("b", "c")
    assert store.get("c").inputs == INPUTS and store.get("c").version == 1
    with pytest.raises(DecontrolError, match="already exists"):
        store.rename("b", "c")
    store.delete("b")
    assert [r.name for r in store.list()] == ["c"]
    with pytest.raises(DecontrolError, match="no scenario named 'b'"):
        store.get("b")


def test_bad_names_and_unstorable_values(store):
    with pytest.raises(DecontrolError, match="non-empty"):
        store.save("  ", INPUTS, RESULTS)
    with pytest.raises(DecontrolError, match="JSON"):
        store.save("nan", INPUTS, {"x": float("nan")})
    assert store.list() == []


def test_export_import_round_trip(store, tmp_path):
    store.save("s", INPUTS, RESULTS, dataset_id="d1", author="a")
    path = tmp_path / "s.json"
    write_scenario_file(store.get("s"), path)
    doc = read_scenario_file(path)
    rec = import_scenario(store, doc, name="s copy")
    assert rec.inputs == INPUTS and rec.results == RESULTS and rec.dataset_id == "d1"


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (
            json.dumps(
                {"format": "decontrol-scenario", "format_version": 1, "name": "x", "inputs": "oops", "results": {}}
            ),
            "field 'inputs' must be object",
        ),
        (
            json.dumps({"format": "decontrol-scenario", "format_version": 1, "name": 5, "inputs": {}, "results": {}}),
            "field 'name' must be text",
        ),
        (
            json.dumps({"format": "decontrol-scenario", "format_version": 1, "inputs": {}, "results": {}}),
            "missing field 'name'",
        ),
        (
            json.dumps({"format": "something-else", "format_version": 1, "name": "x", "inputs": {}, "results": {}}),
            "expected 'decontrol-scenario'",
        ),
    ],
)
def test_malformed_imports_are_refused_and_store_nothing(store, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(DecontrolError) as exc:
        import_scenario(store, read_scenario_file(path))
    assert message in exc.value.render()
    assert store.list() == []


@pytest.mark.parametrize(
    "patch, words",
    [
        ({"results": {"status": "optimal", "achieved_usd": -5, "items": []}}, "achieved_usd must be a number >= 0"),
        (
            {"results": {"status": "optimal", "items": [{"mode": "full"}]}},
            "results.items[0] must be an object with an 'eccn'",
        ),
        ({"results": {"items": []}}, "results.status must be a text"),
        (
            {"inputs": {"scenario": {"target_usd": 1e9}, "ally_positions": {"japan": {"2B991": "oppose"}}}},
            "not an ISO3",
        ),
        (
            {"inputs": {"scenario": {"target_usd": 1e9}, "ally_positions": {"JPN": {"2B991": "veto"}}}},
            "position must be one of",
        ),
        ({"name": "China\x1b[2J 2bn"}, "control characters (U+001B)"),
        ({"author": "ana\rkim"}, "control characters (U+000D)"),
    ],
)
def test_imported_documents_are_validated_completely(tmp_path, store, patch, words):
    doc = {
        "format": "decontrol-scenario",
        "format_version": 1,
        "name": "imported",
        "inputs": INPUTS,
        "results": RESULTS,
    }
    doc.update(patch)
    with pytest.raises(DecontrolError) as exc:
        import_scenario(store, doc)
    assert words in exc.value.render()
    assert not store.list()


def test_a_corrupt_database_is_a_clear_message_in_the_cli(tmp_path, capsys):
    from dashboard.cli import main

    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"not a database" * 200)
    with pytest.raises(SystemExit) as exit_:
        main(["scenario", "list", "--db", f"sqlite:///{bad}"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "not a readable SQLite database" in err and "Traceback" not in err


def test_a_database_from_before_migrations_is_upgraded_in_place(tmp_path):
    """The first release made its table with create_all and no version table: it is stamped at 0001
    and upgraded; the scenarios it holds are kept and gain the new columns."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    sa.Table(
        "scenarios",
        meta,
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("results", sa.JSON, nullable=False),
        sa.Column("dataset_id", sa.String(64), nullable=False),
        sa.Column("vintage", sa.String(200), nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    meta.create_all(engine)
    with engine.begin() as c:
        c.execute(
            sa.text(
                "insert into scenarios values ('old one', 3, :i, :r, 'd', 'v', 'ana', "
                "'2025-01-01 00:00:00', '2025-01-02 00:00:00')"
            ),
            {"i": json.dumps(INPUTS), "r": json.dumps(RESULTS)},
        )
    engine.dispose()
    store = ScenarioStore(url)
    rec = store.get("old one")
    assert rec.version == 3 and rec.results == RESULTS and rec.shared_title == ""
    assert store.set_shared_title("old one", "Option 1").share_id
    with store.engine.connect() as c:
        assert c.execute(sa.text("select version_num from alembic_version")).scalar() == "0003"
        tables = set(sa.inspect(c).get_table_names())
    assert {"login_sessions", "tier_override_history"} <= tables
    store.dispose()
    ScenarioStore(url).dispose()  # opening again is a no-op
