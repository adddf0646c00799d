"""Tier overrides keep their full history: a second decision never erases the first or its reason,
concurrent recorders lose nothing, and the loader still reads the latest decision per ECCN."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from sqlalchemy import text

from optimizer.estimation import build_item_table, record_tier_override
from optimizer.estimation.overrides import TierOverrideLog
from optimizer.scenarios import ScenarioStore


@pytest.fixture()
def log(tmp_path):
    store = ScenarioStore(f"sqlite:///{tmp_path / 's.db'}")
    yield TierOverrideLog(store.engine)
    store.dispose()


def test_a_second_decision_keeps_the_first_and_its_reason(tmp_path, log, make_ds):
    path = tmp_path / "policy" / "tier_overrides.csv"
    record_tier_override(
        path,
        "2B991",
        "foundational",
        "held back for the summit",
        "A. Analyst",
        "2025-06-01",
        log=log,
        from_tier="legacy",
    )
    table = record_tier_override(
        path,
        "2B991",
        "transactional",
        "bargaining chip now",
        "B. Analyst",
        "2025-06-03",
        log=log,
        from_tier="foundational",
    )
    hist = log.history("2B991")
    assert list(hist["to_tier"]) == ["foundational", "transactional"]
    assert list(hist["from_tier"]) == ["legacy", "foundational"]
    assert list(hist["reason"]) == ["held back for the summit", "bargaining chip now"]
    assert list(hist["author"]) == ["A. Analyst", "B. Analyst"]
    # the loader's table: one row per ECCN, the latest decision, the shape apply_tier_overrides reads
    assert list(table.columns) == ["eccn", "tier", "reason", "author", "date"] and len(table) == 1
    on_disk = pd.read_csv(path, dtype=str)
    assert on_disk.loc[0, "tier"] == "transactional"
    t = build_item_table(make_ds(tier_overrides=on_disk), "CHN").set_index("eccn")
    assert t.loc["2B991", "tier"] == "transactional"


def test_the_history_is_append_only_in_the_database(log):
    log.record("2B991", "legacy", "foundational", "r1", "a", "2025-01-01")
    log.record("2B991", "foundational", "legacy", "r2", "a", "2025-01-02")
    with log.engine.connect() as c:
        assert c.execute(text("select count(*) from tier_override_history")).scalar() == 2
    assert [r for r in dir(log) if r.startswith(("update", "delete", "remove"))] == []  # no way to rewrite it


def test_concurrent_recorders_lose_no_decision(tmp_path, log):
    path = tmp_path / "policy" / "tier_overrides.csv"
    eccns = [f"{c}A99{i}" for c in range(2) for i in range(8)]

    def record(mine):
        for e in mine:
            record_tier_override(path, e, "legacy", f"reason for {e}", "A. Analyst", log=log)

    threads = [threading.Thread(target=record, args=(eccns[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(pd.read_csv(path, dtype=str)["eccn"]) == sorted(eccns)
    assert len(log.history()) == len(eccns)


def test_the_history_is_exportable_from_the_command_line(tmp_path, log, capsys):
    from dashboard.cli import main

    log.record("2B991", "legacy", "foundational", "held back", "A. Analyst", "2025-06-01")
    out = tmp_path / "history.csv"
    with pytest.raises(SystemExit) as exit_:
        main(["overrides", "history", "--db", str(log.engine.url), "--out", str(out)])
    assert exit_.value.code == 0
    assert pd.read_csv(out).loc[0, "reason"] == "held back"
