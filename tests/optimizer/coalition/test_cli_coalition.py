"""`decontrol coalition` on the shipped data: outputs and exit codes."""

from __future__ import annotations

import json
import re

import pytest

BASE = ("coalition", "--partner", "CHN", "--members", "USA,JPN,NLD,GBR")


def test_json_gives_both_packages_side_by_side(cli):
    code, out, err = cli(*BASE, "--risk-budget", "1", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["status"] == "optimal" and d["members"] == ["USA", "JPN", "NLD", "GBR"]
    assert d["coalition"]["n_items"] > 0 and d["us_only"]["n_items"] > 0
    assert d["coalition"]["solver"].startswith("CBC")
    assert [g["member"] for g in d["member_gains"]] == d["members"]
    assert all(g["us_only_relative_gain"] is not None for g in d["member_gains"])
    assert d["synthetic"] is True and d["proxied"] == ["JPN", "NLD", "GBR"]
    assert "proxy" in err  # the warning says which members are proxied
    for side in ("coalition", "us_only"):  # every concession says its instrument and licence basis
        for item in d[side]["items"]:
            assert item["mode"] and item["instrument"], item
            assert item["licence_basis"].startswith("Licence required to China for "), item


def test_table_output_and_options(cli):
    code, out, err = cli(
        *BASE, "--risk-budget", "0.5", "--max-items", "3", "--min-fa", "0.5", "--solver", "highs", "--time-limit", "20"
    )
    assert code == 0, err
    assert "SYNTHETIC trade figures" in out and "Proxy values (no bilateral rows): JPN, NLD, GBR" in out
    assert "coalition package" in out and "US-only package" in out and "HiGHS" in out
    counts = [int(n) for n in re.findall(r"package \(.*\): (\d+) items", out)]
    assert len(counts) == 2 and all(1 <= n <= 3 for n in counts)


@pytest.mark.parametrize(
    "argv, words",
    [
        (("--members", "USA,XXX", "--risk-budget", "1"), "unknown member 'XXX'"),
        (("--members", "USA,CHN", "--risk-budget", "1"), "is the partner"),
        (("--members", "USA,JPN", "--risk-budget", "-1"), "must be a finite number >= 0"),
        (("--members", "USA,JPN", "--risk-budget", "lots"), "is not a number"),
        (("--members", "USA", "--risk-budget", "1"), "at least one ally"),
        (("--members", "USA,JPN", "--risk-budget", "1", "--min-fa", "2"), "min_fa"),
        (("--members", "USA,JPN", "--risk-budget", "1", "--force", "3A090"), "foundational"),
        (("--members", "USA,JPN", "--risk-budget", "1", "--year", "1990"), "no trade data for year 1990"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli, argv, words):
    code, out, err = cli("coalition", "--partner", "CHN", *argv)
    assert code == 2
    assert words in err and "Traceback" not in err


def test_bad_positions_file_exits_2(cli, tmp_path):
    f = tmp_path / "positions.json"
    f.write_text('["JPN"]', encoding="utf-8")
    code, _, err = cli(*BASE, "--risk-budget", "1", "--positions", str(f))
    assert code == 2 and "must hold" in err
    f.write_text('{"JPN": {"2B991": "maybe"}}', encoding="utf-8")
    code, _, err = cli(*BASE, "--risk-budget", "1", "--positions", str(f))
    assert code == 2 and "'maybe' is not one of" in err


def test_positions_file_screens_items(cli, tmp_path):
    f = tmp_path / "positions.json"
    f.write_text('{"JPN": {"5A003": "oppose"}}', encoding="utf-8")
    code, out, err = cli(*BASE, "--risk-budget", "1", "--positions", str(f), "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert "5A003" not in [i["eccn"] for i in d["coalition"]["items"]]
    assert "5A003" in [i["eccn"] for i in d["us_only"]["items"]]  # the US alone is bound by no ally
    assert "the US-only package does not apply the allies' positions" in err and "5A003 (opposed by JPN)" in err
    assert {"eccn": "5A003", "reason": "ally_opposes", "detail": "opposed by JPN"} in d["coalition"]["excluded"]


def test_infeasible_exits_3_and_still_prints_json(cli):
    code, out, err = cli(*BASE, "--risk-budget", "0.01", "--force", "5A003", "--format", "json")
    assert code == 3
    assert "no package satisfies the constraints" in err
    assert json.loads(out)["status"] == "infeasible"
