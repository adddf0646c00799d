"""`decontrol hs` and `decontrol search` print what the Trade drill-down and the Control list search show."""

from __future__ import annotations

import io
import json

import pandas as pd


def test_search_finds_2b991_by_hs_code_and_by_word(cli):
    for query in ("845891", "8458.91", "lathe"):
        code, out, _ = cli("search", query, "--format", "json")
        assert code == 0
        assert "2B991" in {i["eccn"] for i in json.loads(out)["items"]}
    code, out, _ = cli("search", "lathe")
    assert code == 0 and out.startswith("5 of ") and "2B991" in out


def test_hs_walks_chapters_headings_subheadings_then_items(cli):
    code, out, _ = cli("hs", "--partner", "CHN", "--format", "json")
    top = json.loads(out)
    assert code == 0 and top["synthetic"] is True and all(len(c["code"]) == 2 for c in top["codes"])
    code, out, _ = cli("hs", "84", "--format", "csv")
    heads = pd.read_csv(io.StringIO(out.lstrip("\ufeff")), dtype={"code": str})
    assert code == 0 and "8458" in set(heads["code"]) and heads["code"].str.startswith("84").all()
    code, out, _ = cli("hs", "8458")
    assert code == 0 and "845891" in out and "SYNTHETIC" in out
    code, out, _ = cli("hs", "845891", "--format", "json")
    items = json.loads(out)["items"]
    assert code == 0 and "2B991" in {i["eccn"] for i in items}
    assert next(i for i in items if i["eccn"] == "2B001-rest")["heading"].startswith("Machine tools")


def test_bad_prefix_and_year_are_exit_2_with_a_message(cli):
    code, _, err = cli("hs", "8x")
    assert code == 2 and "not an HS chapter" in err
    code, _, err = cli("hs", "84", "--year", "1990")
    assert code == 2 and "1990" in err


def test_unknown_partner_is_exit_2_naming_it(cli):
    for argv in (
        ("hs", "8458", "--partner", "XXX"),
        ("hs", "845891", "--partner", "XXX"),
        ("search", "x", "--partner", "XXX"),
    ):
        code, out, err = cli(*argv)
        assert code == 2 and "unknown partner 'XXX'" in err and out == ""
        assert "Traceback" not in err


def test_an_hs_code_outside_the_nomenclature_is_exit_2_in_every_format(cli):
    for fmt in ("table", "csv", "json"):
        code, out, err = cli("hs", "77", "--format", fmt)
        assert code == 2 and "no HS code 77 in the nomenclature" in err and out == ""
    code, _, err = cli("hs", "7799")
    assert code == 2 and "no HS code 7799" in err


def test_a_code_without_trade_reads_no_data_never_an_empty_frame(cli):
    # chapter 99 is in the nomenclature; the shipped trade layer has no rows under it
    code, out, _ = cli("hs", "99")
    assert code == 0 and "Empty DataFrame" not in out and "$0" not in out
    head, sentence = out.strip().splitlines()
    assert head.endswith(": no data") and sentence.startswith(
        "the trade table has no rows for US exports to CHN under 99"
    )
    code, out, _ = cli("hs", "99", "--format", "csv")
    assert code == 0 and out.lstrip("\ufeff").strip() == "code,name,value_usd,share,items"
    code, out, _ = cli("hs", "99", "--format", "json")
    assert code == 0 and json.loads(out)["codes"] == []


def test_a_subheading_without_items_says_so(cli):
    code, out, _ = cli("hs", "999999")
    assert code == 0 and out.startswith("no CCL items are mapped to 999999") and "Empty DataFrame" not in out
    code, out, _ = cli("hs", "999999", "--format", "csv")
    assert code == 0 and out.lstrip("\ufeff").strip() == "eccn,heading,hs6,confidence,controlled_share,rationale"
    code, out, _ = cli("hs", "999999", "--format", "json")
    assert code == 0 and json.loads(out)["items"] == []


def test_a_search_without_hits_is_an_answer_in_every_format(cli):
    code, out, _ = cli("search", "zzzzqq")
    assert (
        code == 0
        and out.strip() == "nothing matches 'zzzzqq' (ECCN, heading, reasons, HS codes and names of 647 items)"
    )
    code, out, _ = cli("search", "zzzzqq", "--format", "csv")
    assert code == 0 and out.lstrip("\ufeff").strip() == "eccn,heading,tier,reasons,hs6"
    code, out, _ = cli("search", "zzzzqq", "--format", "json")
    assert code == 0 and json.loads(out) == {"query": "zzzzqq", "partner": "CHN", "items": []}


def test_search_says_whose_tiers_it_prints(cli):
    code, out, _ = cli("search", "lathe")
    assert code == 0 and out.splitlines()[1] == "tiers for CHN (the default; --partner to change)"
    code, out, _ = cli("search", "lathe", "--partner", "jpn")
    lines = out.splitlines()
    assert code == 0 and lines[1] == "tiers for JPN"
    assert next(line for line in lines if line.lstrip().startswith("2B001 ")).split()[-3] == "nlr"
