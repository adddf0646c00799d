"""`decontrol data check` and `data info` on the shipped datasets and on overlays."""

from __future__ import annotations

import json

import pytest

from optimizer.data.schema import TABLES
from optimizer.paths import SHIPPED_DATA_DIR
from tests.optimizer.data.conftest import trade_frame, write_dir

SHIPPED_COMPLETE = all((SHIPPED_DATA_DIR / t.filename).is_file() for t in TABLES.values() if not t.optional)
needs_shipped = pytest.mark.skipif(not SHIPPED_COMPLETE, reason="shipped datasets/ not complete yet")


@needs_shipped
def test_check_shipped_datasets_exits_0(cli, monkeypatch):
    monkeypatch.chdir(SHIPPED_DATA_DIR.parent)
    code, out, err = cli("data", "check", "datasets")
    assert code == 0, err
    assert out.startswith("OK:")


@needs_shipped
def test_check_overlay_with_problems_exits_2_listing_them(cli, tmp_path):
    user = write_dir(tmp_path / "user", tables={"hs2.csv": "hs2,name\n1,Live animals\n01,Live animals\n"})
    code, out, err = cli("data", "check", str(user))
    assert code == 2
    assert "hs2.csv row 2, column hs2: '1' is not a 2-digit HS code (leading zero lost? write '01')" in err
    assert "Traceback" not in err


@needs_shipped
def test_info_reports_real_imported_trade_over_shipped_tables(cli, tmp_path):
    user = write_dir(tmp_path / "user", tables={}, trade=trade_frame(), synthetic=False)
    code, out, err = cli("data", "info", str(user), "--format", "json")
    assert code == 0, err
    info = json.loads(out)
    assert info["trade_synthetic"] is False and info["trade_source"] == "test fixture"
    files = {f["table"]: f for f in info["files"]}
    assert files["trade"]["shipped"] is False and files["trade"]["rows"] == len(trade_frame())
    assert files["ccl"]["shipped"] is True and len(files["ccl"]["sha256"]) == 12
    years = {r["year"]: r for r in info["trade_by_year"]}
    assert years[2023]["exports to world"] == 1000.0 and years[2023]["imports from world"] == 500.0
    us = {(r["year"], r["partner"]): r for r in info["us_trade_by_partner"]}
    assert us[(2023, "CHN")]["us_exports_usd"] == 100.0 and us[(2023, "JPN")]["us_exports_usd"] == 40.0
    code, out, _ = cli("data", "info", str(user))
    assert code == 0 and "trade layer: REAL - test fixture" in out


def test_info_says_what_each_shipped_file_is_real_synthetic_or_analysts(cli, tmp_path):
    """The concordance and the overrides are an analyst's work, not real data: the shipped MANIFEST
    says so, and `data info` repeats it (a CSV in a user's directory is user-supplied)."""
    user = write_dir(tmp_path / "user", tables={"events.csv": "date,title,summary,kind,source\n"})
    code, out, err = cli("data", "info", str(user), "--format", "json")
    assert code == 0, err
    kinds = {f["table"]: (f["kind"], f["real"]) for f in json.loads(out)["files"]}
    assert kinds["concordance"] == ("analyst", False) and kinds["tier_overrides"] == ("analyst", False)
    assert kinds["ccl"] == ("real", True) and kinds["trade"] == ("synthetic", False)
    assert kinds["events"] == ("user-supplied", False)
    code, out, _ = cli("data", "info", str(user))
    row = next(line for line in out.splitlines() if line.strip().startswith("concordance"))
    assert " analyst " in row and " real " not in row


def test_check_missing_directory_exits_2(cli, tmp_path):
    code, _, err = cli("data", "check", str(tmp_path / "nope"))
    assert code == 2 and "does not exist" in err
