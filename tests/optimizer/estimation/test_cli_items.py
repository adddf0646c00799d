"""`decontrol items`: formats, filters, errors and exit codes, on the shipped data and on imported BACI data."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pandas as pd
import pytest

from optimizer.estimation import ITEM_COLUMNS


def test_json_is_a_list_of_objects_with_nulls(cli):
    code, out, err = cli("items", "--partner", "CHN", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) >= 637
    assert list(rows[0]) == ITEM_COLUMNS
    soft = next(r for r in rows if r["group"] == "D" and r["value_override"] is False)
    assert soft["value_usd"] is None and soft["value_basis"].startswith("unknown: software/technology")
    assert all(r["synthetic"] is True for r in rows)


def test_csv_is_excel_friendly_and_reads_back(cli):
    code, out, err = cli("items", "--partner", "CHN", "--format", "csv", "--tier", "legacy")
    assert code == 0, err
    assert out.startswith("\ufeff")
    header, first = out[1:].splitlines()[:2]
    assert header.split(",")[:3] == ['"eccn"', '"partner"', '"year"']
    df = pd.read_csv(io.StringIO(out[1:]), dtype={"hs6": str})
    assert (df["tier"] == "legacy").all() and len(df) >= 24
    multi = df[df["hs6"].fillna("").str.contains(";")]
    assert len(multi) and all(f'"{h}"' in out for h in multi["hs6"].head(3))  # ';' lists in quoted cells
    assert df["fa_score"].between(0, 1).all()


def test_table_says_synthetic_and_formats_values(cli):
    code, out, err = cli("items", "--partner", "CHN", "--tier", "legacy", "--sort", "value")
    assert code == 0, err
    first = out.splitlines()[0]
    assert "trade data SYNTHETIC" in first and "CHN" in first
    assert re.search(r"\$\d+\.\d(bn|m|k) ", out)  # values formatted, e.g. $1.2bn
    lines = out.splitlines()
    assert "Concession space for China" in lines[1] and "need no licence (nlr" in out
    body = lines[lines.index(next(x for x in lines if x.strip().startswith("eccn"))) + 1 :]
    assert body and all(" legacy " in line for line in body if line.strip() and not line.startswith("*"))


def test_out_file_gets_bom(cli, tmp_path):
    target = tmp_path / "items.csv"
    code, out, err = cli("items", "--partner", "JPN", "--format", "csv", "--out", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "argv, words",
    [
        (("--partner", "XXX"), "unknown partner 'XXX': expected one of CHN"),
        (("--partner", "CHN", "--year", "1990"), "no trade data for year 1990"),
        (("--partner", "CHN", "--tier", "maybe"), "unknown tier 'maybe'"),
        (("--partner", "CHN", "--explain", "9Z999"), "unknown ECCN '9Z999'"),
        (("--partner", "CHN", "--value-method", "baseline"), "'baseline_year' is required"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli, argv, words):
    code, out, err = cli("items", *argv)
    assert code == 2
    assert words in err and "Traceback" not in err


def test_config_file(cli, tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"risk_weights": {"MEU": 0.5}, "fa_risk_reduction": 0.0}), encoding="utf-8")
    code, out, err = cli("items", "--partner", "CHN", "--format", "json", "--config", str(cfg))
    assert code == 0, err
    row = next(r for r in json.loads(out) if r["eccn"] == "2B991")
    assert row["risk_base"] == pytest.approx(0.5) and row["risk"] == pytest.approx(0.5)
    cfg.write_text('{"risk_weights": {"AT": -1}}', encoding="utf-8")
    code, out, err = cli("items", "--partner", "CHN", "--config", str(cfg))
    assert code == 2 and "'risk_weights.AT' must be >= 0" in err


def test_explain_table_and_json(cli):
    code, out, err = cli("items", "--partner", "CHN", "--explain", "2B991")
    assert code == 0, err
    for words in ("Tier      foundational", "Value", "partner imports", "FA", "Risk", "risk_base MEU 0.80 = 0.800"):
        assert words in out
    code, out, err = cli("items", "--partner", "CHN", "--explain", "2B991", "--format", "json")
    d = json.loads(out)
    assert d["synthetic"] is True and d["item"]["eccn"] == "2B991"
    total = sum(r["value_usd"] for r in d["value_breakdown"])
    assert total == pytest.approx(d["item"]["potential_usd"], abs=0.05)
    assert d["item"]["licence_required"] == "end_use_only" and "744.21" in d["item"]["licence_basis"]


def test_baseline_method_flag(cli):
    code, out, err = cli("items", "--partner", "CHN", "--format", "json", "--baseline-year", "2019")
    assert code == 0, err
    rows = json.loads(out)
    assert rows[0]["year"] == 2024
    assert any(r["value_basis"].startswith("exports lost since 2019 (vs 2024)") for r in rows)


# ---------------------------------------------------------------- real data: BACI import -> items
BACI = """t,i,j,k,v,q
2023,842,156,847130,10,NA
2023,410,156,847130,50,NA
2023,156,276,847130,200,
2023,276,392,847130,40,1
2023,842,392,847130,100,2
"""
BACI_COUNTRIES = """country_code,country_name,country_iso2,country_iso3
842,USA,US,USA
156,China,CN,CHN
276,Germany,DE,DEU
392,Japan,JP,JPN
410,Rep. of Korea,KR,KOR
"""


def test_items_on_imported_baci_data(cli, tmp_path):
    z = tmp_path / "BACI_HS22_V202501.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("BACI_HS22_Y2023_V202501.csv", BACI)
        f.writestr("country_codes_V202501.csv", BACI_COUNTRIES)
        f.writestr("product_codes_HS22_V202501.csv", "product_code,description\n847130,laptops\n")
    data = tmp_path / "real"
    code, out, err = cli("data", "import-baci", str(z), "--out", str(data))
    assert code == 0, err

    code, out, err = cli("items", "--partner", "CHN", "--data", str(data), "--format", "json")
    assert code == 0, err
    rows = {r["eccn"]: r for r in json.loads(out)}
    assert all(r["synthetic"] is False and r["year"] == 2023 for r in rows.values())
    assert rows["4A994"]["source"].startswith("CEPII BACI")

    code, out, err = cli("items", "--partner", "CHN", "--data", str(data), "--explain", "4A994", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["synthetic"] is False
    line = next(r for r in d["value_breakdown"] if r["hs6"] == "847130")
    # world exports 847130 (USD): USA 110k, KOR 50k, CHN 200k, DEU 40k -> US share 0.275
    # CHN imports 60k, US exports to CHN 10k -> gap 60k x 0.275 - 10k = 6.5k, times the controlled share
    assert line["partner_imports_world"] == 60_000
    assert line["us_world_share"] == pytest.approx(0.275)
    assert line["us_exports_to_partner"] == 10_000
    assert line["value_usd"] == pytest.approx(6_500 * line["controlled_share"])
    sup = {s["exporter"]: s for s in d["suppliers"]}
    assert sup["CHN"]["role"] == "partner" and sup["KOR"]["role"] == "non-regime"  # AT-only: no regime


def test_unknown_availability_reads_unknown_in_the_table(cli):
    code, out, err = cli("items", "--partner", "CHN", "--tier", "foundational")
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.split()[:1] == ["0D001"])
    assert " unknown " in row and "0.00" not in row
