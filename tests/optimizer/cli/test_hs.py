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
