"""The validator names file, row, column and problem for each class of bad input, and caps its report."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.data.validate import MAX_ROWS_PER_CHECK, check_dir
from optimizer.errors import DataValidationError
from tests.optimizer.data.conftest import trade_frame, write_dir


@pytest.fixture()
def shipped_dir(shipped, monkeypatch):
    """check_dir overlays on the shipped datasets: point it at the fixture directory."""
    import optimizer.data.files as files

    monkeypatch.setattr(files, "SHIPPED_DATA_DIR", shipped)
    monkeypatch.setattr(files.overlay_dirs, "__defaults__", (shipped,))
    return shipped


def _problems(tmp_path, **tables: str) -> list[str]:
    user = write_dir(
        tmp_path / "user", tables={f"{k}.csv" if not k.startswith("policy") else k: v for k, v in tables.items()}
    )
    return check_dir(user)


def _one(problems: list[str], fragment: str) -> str:
    hits = [p for p in problems if fragment in p]
    assert hits, f"no problem mentions {fragment!r}: {problems}"
    return hits[0]


def test_clean_fixture_has_no_problems(shipped_dir):
    assert check_dir(None) == []
    assert check_dir(shipped_dir) == []


def test_missing_column(shipped_dir, tmp_path):
    msg = _one(_problems(tmp_path, hs2="hs2\n01\n"), "missing column 'name'")
    assert msg.endswith("(required columns: hs2, name)") and "hs2.csv" in msg


def test_hs_code_not_six_digits(shipped_dir, tmp_path):
    msg = _one(_problems(tmp_path, concordance="eccn,hs6,confidence,rationale\n3B001,84862A,high,x\n"), "84862A")
    assert "concordance.csv row 2, column hs6: '84862A' is not a 6-digit HS code" in msg


def test_negative_and_non_numeric_values(shipped_dir, tmp_path):
    problems = _problems(
        tmp_path,
        partner_totals=(
            "year,partner,partner_name,exports_usd,imports_usd,balance_usd,source\n"
            "2023,CHN,China,-5,10,-15,x\n2024,CHN,China,abc,10,1,x\n"
        ),
    )
    assert "partner_totals.csv row 2, column exports_usd: negative value '-5'" in _one(problems, "negative value")
    assert "row 3, column exports_usd: 'abc' is not a number" in _one(problems, "abc")
    assert not any("balance_usd" in p for p in problems)  # a balance may be negative


def test_unknown_iso3(shipped_dir, tmp_path):
    msg = _one(_problems(tmp_path, regimes="regime,iso3,as_of,source\nWA,XXX,2025-01-01,x\n"), "XXX")
    assert "regimes.csv row 2, column iso3: unknown ISO3 code 'XXX' (not in countries.csv)" in msg


def test_duplicate_key(shipped_dir, tmp_path):
    problems = _problems(
        tmp_path,
        concordance=("eccn,hs6,confidence,rationale\n3B001,848620,high,x\n2B001,845811,low,y\n3B001,848620,low,z\n"),
    )
    assert "concordance.csv row 4: duplicate key (eccn=3B001, hs6=848620), first seen on row 2" in _one(
        problems, "duplicate key"
    )


def test_bad_enums(shipped_dir, tmp_path):
    problems = _problems(
        tmp_path,
        concordance="eccn,hs6,confidence,rationale\n3B001,848620,certain,x\n",
        hs2_china="year,flow,partner,hs2,value_usd\n2018,exports,CHN,84,1\n",
        **{"policy/tier_overrides.csv": "eccn,tier,reason,author,date\n2B991,legendary,x,me,2025-01-01\n"},
    )
    assert "column confidence: 'certain' is not one of high, medium, low" in _one(problems, "certain")
    assert "column flow: 'exports' is not one of export, import" in _one(problems, "exports")
    assert "tier_overrides.csv row 2, column tier: 'legendary'" in _one(problems, "legendary")


def test_bad_date(shipped_dir, tmp_path):
    problems = _problems(tmp_path, events="date,title,summary,kind\n2022-13-07,A,b,c\n07/10/2022,B,b,c\n")
    assert "events.csv row 2, column date: '2022-13-07' is not a date (YYYY-MM-DD)" in _one(problems, "2022-13-07")
    assert "row 3, column date: '07/10/2022'" in _one(problems, "07/10/2022")


def test_controlled_share_and_references(shipped_dir, tmp_path):
    problems = _problems(
        tmp_path,
        concordance=(
            "eccn,hs6,confidence,rationale,controlled_share\n"
            "3B001,848620,high,x,1.5\n9Z999-part,848620,low,y,0.1\n3B001,999999,low,z,0.1\n2B991-rest,845811,low,ok,0\n"
        ),
    )
    assert "row 2, column controlled_share: '1.5' is outside [0, 1]" in _one(problems, "1.5")
    assert "row 3, column eccn: ECCN '9Z999-part' is not in ccl.csv" in _one(problems, "9Z999")
    assert "row 4, column hs6: HS code '999999' is not in hs6.csv" in _one(problems, "999999")
    assert not any("2B991-rest" in p for p in problems)  # sub-item of a known ECCN


def test_trade_parquet_rows_are_numbered_from_one(shipped_dir, tmp_path):
    bad = trade_frame().copy()
    bad.loc[1, "value_usd"] = -3.0
    bad.loc[2, "exporter"] = "ZZZ"
    bad.loc[3, "hs6"] = "8486"
    bad = pd.concat([bad, bad.iloc[[0]]], ignore_index=True)
    user = write_dir(tmp_path / "user", tables={}, trade=bad, synthetic=False)
    problems = check_dir(user)
    # the writer sorts rows by key: find where each landed
    from optimizer.data.read import read_parquet_frame

    written = read_parquet_frame(user / "trade.parquet")
    row_of = lambda mask: int(mask.to_numpy().nonzero()[0][0]) + 1  # noqa: E731
    assert f"trade.parquet row {row_of(written.value_usd < 0)}, column value_usd: negative value '-3.0'" in _one(
        problems, "negative value"
    )
    assert f"row {row_of(written.exporter == 'ZZZ')}, column exporter: unknown ISO3 code 'ZZZ'" in _one(problems, "ZZZ")
    assert "is not a 6-digit HS code" in _one(problems, "'8486'")
    assert "duplicate key (year=2023, exporter=USA, importer=CHN, hs6=848620)" in _one(problems, "duplicate key")


def test_report_caps_at_twenty_then_counts(shipped_dir, tmp_path):
    rows = "".join(f"2018,export,CHN,X{i},1\n" for i in range(25))
    problems = _problems(tmp_path, hs2_china="year,flow,partner,hs2,value_usd\n" + rows)
    assert len(problems) == 25
    text = DataValidationError("bad", problems).render()
    assert text.count("\n  - ") == 20
    assert text.endswith("... and 5 more problem(s)")


def test_one_check_lists_at_most_the_cap_then_summarises(shipped_dir, tmp_path):
    n = MAX_ROWS_PER_CHECK + 7
    rows = "".join(f"2018,export,CHN,84,-{i + 1}\n" for i in range(n))
    problems = _problems(tmp_path, hs2_china="year,flow,partner,hs2,value_usd\n" + rows)
    negative = [p for p in problems if "negative value" in p]
    assert len(negative) == MAX_ROWS_PER_CHECK
    assert _one(problems, "more row(s)").endswith("column value_usd: 7 more row(s) with the same problem")


@pytest.mark.parametrize(
    "value, fragment", [(float("inf"), "is not a finite number"), (1e306, "is an implausible value for one flow")]
)
def test_check_refuses_non_finite_and_absurd_trade_values(tmp_path, value, fragment):
    df = trade_frame()
    df.loc[0, "value_usd"] = value
    d = write_dir(tmp_path / "user", trade=df, synthetic=False, tables={})
    problems = check_dir(d)
    assert any("value_usd" in p and fragment in p for p in problems), problems


def test_check_refuses_a_decimal_comma_but_reads_thousands_separators(tmp_path):
    from optimizer.data.load import load_dataset

    bad = write_dir(
        tmp_path / "bad",
        tables={
            "partner_totals.csv": (
                "year,partner,partner_name,exports_usd,imports_usd,balance_usd,source\n"
                '2023,CHN,China,"147800000000,5",427200000000,-279400000000,Census\n'
            )
        },
    )
    assert any("has a decimal comma" in p for p in check_dir(bad))
    good = write_dir(
        tmp_path / "good",
        tables={
            "partner_totals.csv": (
                "year,partner,partner_name,exports_usd,imports_usd,balance_usd,source\n"
                '2023,CHN,China,"147,800,000,000",427200000000,-279400000000,Census\n'
            )
        },
    )
    assert not [p for p in check_dir(good) if "partner_totals" in p]
    assert load_dataset(good).partner_totals["exports_usd"].iloc[0] == 147_800_000_000
