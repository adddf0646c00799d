"""Status of the partner's export controls on a date, from the shipped status history and by hand."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from optimizer.errors import DecontrolError
from optimizer.gets.measures import measures_on, status_on


def _hist(rows):
    base = {"partner": "CHN", "measure_id": "m", "instrument": "", "status_text": "", "as_of": "2026-09-29",
            "source": "test"}
    return pd.DataFrame([base | r for r in rows])


def test_status_on_a_date_by_hand():
    h = _hist([{"status": "in_force", "start": "2025-10-09", "end": "2025-11-07"},
               {"status": "suspended", "start": "2025-11-07", "end": "2026-11-10", "instrument": "No. 70 of 2025",
                "status_text": "suspended ... until 2026-11-10; MOFCOM said it would extend to 2027-01-10"},
               {"status": "in_force", "start": "2026-11-10", "end": "", "instrument": "No. 70 of 2025 lapses"}])
    assert status_on(h, dt.date(2025, 10, 1)).status == "not_yet"
    assert status_on(h, dt.date(2025, 10, 20)).status == "in_force"
    s = status_on(h, dt.date(2026, 6, 1), horizon_days=90)
    assert s.status == "suspended" and s.until == dt.date(2026, 11, 10) and s.lapse_flag == ""
    s = status_on(h, dt.date(2026, 9, 1), horizon_days=90)
    assert s.status == "suspended" and "lapses on 2026-11-10" in s.lapse_flag and "2027-01-10" in s.lapse_flag
    s = status_on(h, dt.date(2026, 12, 1))
    assert s.status == "in_force" and "lapsed on 2026-11-10" in s.lapse_flag and "record runs to 2026-09-29" in s.lapse_flag


def test_an_unknown_suspension_start_is_not_guessed():
    h = _hist([{"status": "in_force", "start": "2024-12-03", "end": ""},
               {"status": "suspended", "start": "", "end": "2026-11-27", "instrument": "No. 72 of 2025"}])
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
