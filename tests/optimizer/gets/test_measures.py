"""Status of the partner's export controls on a date, from the shipped status history and by hand."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from optimizer.errors import DecontrolError
from optimizer.gets.measures import measures_on, status_on


def _hist(rows):
    base = {
        "partner": "CHN",
        "measure_id": "m",
        "instrument": "",
        "status_text": "",
        "as_of": "2026-09-29",
        "source": "test",
    }
    return pd.DataFrame([base | r for r in rows])


def test_status_on_a_date_by_hand():
    h = _hist(
        [
            {"status": "in_force", "start": "2025-10-09", "end": "2025-11-07"},
            {
                "status": "suspended",
                "start": "2025-11-07",
                "end": "2026-11-10",
                "instrument": "No. 70 of 2025",
                "status_text": "suspended ... until 2026-11-10; MOFCOM said it would extend to 2027-01-10",
            },
            {"status": "in_force", "start": "2026-11-10", "end": "", "instrument": "No. 70 of 2025 lapses"},
        ]
    )
    assert status_on(h, dt.date(2025, 10, 1)).status == "not_yet"
    assert status_on(h, dt.date(2025, 10, 20)).status == "in_force"
    s = status_on(h, dt.date(2026, 6, 1), horizon_days=90)
    assert s.status == "suspended" and s.until == dt.date(2026, 11, 10) and s.lapse_flag == ""
    s = status_on(h, dt.date(2026, 9, 1), horizon_days=90)
    assert s.status == "suspended" and "lapses on 2026-11-10" in s.lapse_flag and "2027-01-10" in s.lapse_flag
    s = status_on(h, dt.date(2026, 12, 1))
    assert (
        s.status == "in_force"
        and "lapsed on 2026-11-10" in s.lapse_flag
        and "record runs to 2026-09-29" in s.lapse_flag
    )


def test_an_unknown_suspension_start_is_not_guessed():
    h = _hist(
        [
            {"status": "in_force", "start": "2024-12-03", "end": ""},
            {"status": "suspended", "start": "", "end": "2026-11-27", "instrument": "No. 72 of 2025"},
        ]
    )
    assert status_on(h, dt.date(2025, 3, 1)).status == "unknown"
    assert status_on(h, dt.date(2026, 10, 1)).status == "suspended"
    assert status_on(h, dt.date(2026, 12, 1)).status == "in_force"


@pytest.fixture(scope="module")
def shipped():
    from optimizer.data.load import load_dataset

    return load_dataset()


def test_shipped_measures_on_dates(shipped):
    sep = measures_on(shipped, "CHN", "2026-09-01").set_index("measure_id")
    assert sep.loc["2025-57", "status"] == "suspended" and sep.loc["2025-18#sm-a", "status"] == "in_force"
    assert sep.loc["2023-23#ga1", "hs6_codes"] == "811292;811299" and sep.loc["2023-23#ga1", "hs6_unsourced"] == ""
    assert "(low, unsourced)" in sep.loc["2025-10#tungsten", "hs6_unsourced"]
    dec = measures_on(shipped, "CHN", "2026-12-01").set_index("measure_id")
    assert dec.loc["2025-57", "status"] == "in_force" and "lapsed on 2026-11-10" in dec.loc["2025-57", "lapse_flag"]
    assert measures_on(shipped, "CHN", "2023-06-01").set_index("measure_id").loc["2023-23#ga1", "status"] == "not_yet"


def test_bad_input_names_the_problem(shipped):
    with pytest.raises(DecontrolError, match="not a date"):
        measures_on(shipped, "CHN", "2026-13-01")
    with pytest.raises(DecontrolError, match="no export-control measures of JPN"):
        measures_on(shipped, "JPN", "2026-01-01")


def test_cli(cli):
    code, out, err = cli("measures", "--partner", "CHN", "--date", "2026-10-15", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["date"] == "2026-10-15" and sum(m["status"] == "suspended" for m in d["measures"]) >= 6
    code, out, err = cli("measures", "--partner", "CHN", "--date", "2026-10-15")
    assert code == 0 and "flagged within 90 days" in out and "real: public announcements" in out
    assert cli("measures", "--partner", "CHN", "--horizon", "soon")[0] == 2


def _tiny():
    from types import SimpleNamespace

    measures = pd.DataFrame(
        [
            {
                "partner": "CHN",
                "measure_id": "a",
                "announcement": "No. 1",
                "published": "2023-07-03",
                "effective": "2023-08-01",
                "item_group": "gallium",
                "item": "gallium metal",
                "hs6_codes": "811292;381800",
                "announcement_url": "",
                "source": "test",
            },
            {
                "partner": "CHN",
                "measure_id": "b",
                "announcement": "No. 1",
                "published": "2023-07-03",
                "effective": "2023-08-01",
                "item_group": "germanium",
                "item": "germanium oxide",
                "hs6_codes": "381800",
                "announcement_url": "",
                "source": "test",
            },
            {
                "partner": "CHN",
                "measure_id": "c",
                "announcement": "No. 2",
                "published": "2025-02-04",
                "effective": "2025-02-04",
                "item_group": "tungsten",
                "item": "tungsten",
                "hs6_codes": "",
                "announcement_url": "",
                "source": "test",
            },
        ]
    )
    status = _hist([{"status": "in_force", "start": "2023-08-01", "end": ""}])
    status = pd.concat(
        [status.assign(measure_id=m) for m in ("a", "b")]
        + [_hist([{"status": "in_force", "start": "2025-02-04", "end": ""}]).assign(measure_id="c")]
    )
    unsourced = pd.DataFrame(
        [
            {
                "partner": "CHN",
                "measure_id": "c",
                "item": "tungsten",
                "hs6_candidates": "810110",
                "confidence": "low",
                "note": "x",
            }
        ]
    )
    t = [
        ("CHN", "USA", "811292", 60.0),
        ("CHN", "USA", "381800", 40.0),
        ("WLD", "USA", "811292", 100.0),
        ("WLD", "USA", "381800", 400.0),
        ("CHN", "WLD", "811292", 900.0),
        ("DEU", "WLD", "811292", 50.0),
        ("USA", "WLD", "811292", 50.0),
        ("CHN", "WLD", "381800", 100.0),
        ("JPN", "WLD", "381800", 100.0),
        ("CHN", "USA", "810110", 7.0),
        ("WLD", "USA", "810110", 14.0),
        ("CHN", "WLD", "810110", 70.0),
        ("VNM", "WLD", "810110", 30.0),
    ]
    trade = pd.DataFrame([{"year": 2024, "exporter": e, "importer": i, "hs6": h, "value_usd": v} for e, i, h, v in t])
    return SimpleNamespace(
        partner_measures=measures,
        partner_measure_status=status,
        partner_measures_unsourced=unsourced,
        trade=trade,
        trade_synthetic=True,
        trade_source="hand-made test trade",
    )


def test_gets_table_by_hand():
    from optimizer.gets.exposure import gets_table

    t = gets_table(_tiny(), "CHN", "2026-01-01").set_index("measure_id")
    # 381800 is listed by a and b: each carries half of it
    assert t.at["a", "us_imports_from_partner_usd"] == pytest.approx(60 + 40 / 2)
    assert t.at["b", "us_imports_from_partner_usd"] == pytest.approx(20)
    assert t.at["a", "us_imports_world_usd"] == pytest.approx(100 + 200)
    assert t.at["a", "partner_share_of_us_imports"] == pytest.approx(80 / 300)
    # world exports of a's codes, weighted: 811292 (900 + 50 + 50) + half of 381800 (100 + 100)
    assert t.at["a", "partner_share_of_world_exports"] == pytest.approx((900 + 50) / (1000 + 100))
    assert t.at["a", "alternative_suppliers"] == "DEU 5%; JPN 5%"
    assert t.at["a", "alternative_capacity_ratio"] == pytest.approx((50 + 50) / 80)
    assert pd.isna(t.at["c", "us_imports_from_partner_usd"]) and t.at["c", "hs6_basis"] == "no HS codes recovered"
    assert bool(t["synthetic"].all()) and (t["source"] == "hand-made test trade").all()
    with_unsourced = gets_table(_tiny(), "CHN", "2026-01-01", include_unsourced=True).set_index("measure_id")
    assert with_unsourced.at["c", "hs6_basis"] == "UNSOURCED candidates"
    assert with_unsourced.at["c", "us_imports_from_partner_usd"] == pytest.approx(7)


def test_cli_exposure(cli):
    code, out, err = cli("measures", "--partner", "CHN", "--exposure", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["synthetic"] is True and d["measures"] and "us_imports_from_partner_usd" in d["measures"][0]
    code, out, _ = cli("measures", "--partner", "CHN", "--exposure")
    assert code == 0 and "SYNTHETIC trade figures" in out
