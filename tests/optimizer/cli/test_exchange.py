"""`decontrol exchange`: the same answer as the core API, provenance in every format, bad input exit 2
with the problem named, an impossible balance exit 3, and the reference exchanges."""

from __future__ import annotations

import csv
import io
import json

import pytest

ARGS = ("exchange", "--partner", "CHN", "--date", "2026-12-01", "--risk-price", "10m")


def test_json_equals_the_core_api(cli):
    from optimizer.data.load import load_dataset
    from optimizer.gets.exchange import ExchangeSettings
    from optimizer.gets.package import exchange_package

    code, out, err = cli(*ARGS, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    rep = exchange_package(load_dataset(), "CHN", day="2026-12-01", settings=ExchangeSettings(risk_price_usd=1e7))
    assert d["status"] == "optimal"
    assert d["us_gain_usd"] == rep.us_gain_usd and d["partner_gain_usd"] == rep.partner_gain_usd
    assert [g["eccn"] for g in d["gives"]] == [g["eccn"] for g in rep.gives]
    assert d["gives_synthetic"] and d["gets_synthetic"] and d["assumptions"]


def test_table_and_csv_say_synthetic(cli):
    code, out, _ = cli(*ARGS)
    assert code == 0
    assert "SYNTHETIC trade figures" in out and "US gives (decontrol)" in out and "Assumptions:" in out
    code, out, _ = cli(*ARGS, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert {r["side"] for r in rows} == {"US gives", "US gets"}
    assert all(r["synthetic"] == "True" and r["source"] for r in rows)


@pytest.mark.parametrize(
    "argv, message",
    [
        (("--balance", "lots"), "--balance 'lots'"),
        (("--balance", "2:1"), "upper share"),
        (("--date", "2026-13-01"), "--date '2026-13-01' is not a date"),
        (("--risk-price", "cheap"), "--risk-price 'cheap'"),
        # a unit-less amount is read as --target reads one: refused, the missing unit named
        (("--risk-price", "10"), "--risk-price '10' has no unit, so it would be 10 US dollars per risk point"),
        (("--risk-price", "-5m"), "--risk-price '-5m' is negative: a risk price is an amount >= 0"),
        (("--supply-premium", "2"), "--supply-premium '2'"),
        (("--horizon", "soon"), "--horizon 'soon'"),
        (("--modes", "bribe"), "bribe"),
    ],
)
def test_bad_input_exit_2(cli, argv, message):
    code, out, err = cli(*ARGS, *argv)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_an_empty_exchange_names_its_cause(cli):
    """No measure in force on the date: nothing to ask for (not the risk price); a high risk price: the price."""
    code, out, _ = cli("exchange", "--partner", "CHN", "--date", "2020-01-01")
    assert code == 0 and "No exchange to make: no partner measure on 2020-01-01 has a relief" in out
    assert "risk price" not in out.split("Not asked")[0] and "not_yet" in out
    code, out, _ = cli(*ARGS[:-1], "100m")
    assert code == 0 and "No exchange is worth making: at this risk price" in out and "No exchange to make" not in out


def test_partner_and_reference_required(cli):
    code, _, err = cli("exchange")
    assert code == 2 and "--partner" in err and "--reference" in err
    code, _, err = cli("exchange", "--partner", "JPN", "--date", "2026-12-01")
    assert code == 2 and "no export-control measures of JPN" in err
    code, _, err = cli("exchange", "--reference", "yalta")
    assert code == 2 and "no reference exchange 'yalta'" in err


def test_a_band_no_package_meets_is_exit_3(cli):
    # a forced give has value, a band of 0 allows the partner no gain at all
    code, out, err = cli(*ARGS, "--force", "5A003", "--balance", "0:0")
    assert code == 3 and "no exchange (infeasible)" in err


def test_reference_exchanges(cli):
    code, out, err = cli("exchange", "--reference", "busan")
    assert code == 0, err
    assert "Busan (2025-10-30)" in out and "UNSOURCED" in out and "not valued" in out and "SYNTHETIC" in out
    code, out, _ = cli("exchange", "--reference", "all", "--format", "json")
    refs = json.loads(out)["references"]
    assert [r["name"] for r in refs] == ["Geneva", "London", "Busan"]
    code, out, _ = cli("exchange", "--reference", "london", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert {r["exchange"] for r in rows} == {"London"} and all(r["synthetic"] == "True" for r in rows)


def test_slide_and_workbook(cli, tmp_path, deck_text):
    code, _, err = cli(*ARGS, "--slide", str(tmp_path / "ex.pptx"), "--xlsx", str(tmp_path / "ex.xlsx"))
    assert code == 0, err
    assert "Gives and gets with CHN" in deck_text(tmp_path / "ex.pptx")
    import openpyxl

    assert openpyxl.load_workbook(tmp_path / "ex.xlsx").sheetnames[0] == "Exchange ledger"
    code, _, err = cli(*ARGS, "--slide", str(tmp_path / "ex.ppt"))
    assert code == 2 and "must end in .pptx" in err


def test_frontier(cli):
    code, out, err = cli(*ARGS, "--frontier", "0,1,2", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert [p["balance_share"] for p in d["points"]] == [0.0, 1.0, 2.0] and d["synthetic"] is True
    code, _, err = cli(*ARGS, "--frontier", "1,x")
    assert code == 2 and "--frontier 'x'" in err
