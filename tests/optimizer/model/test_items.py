"""The item table as the optimizer reads it: every problem reported with its line, Excel dialects read."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from optimizer.errors import DecontrolError
from optimizer.model.items import read_items_csv, validate_items


def _csv(tmp_path, text: str, name: str = "items.csv", bom: bool = False):
    p = tmp_path / name
    p.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return p


def test_minimal_columns_and_derived_fields(tmp_path):
    p = _csv(
        tmp_path,
        "eccn,tier,value_usd,risk,fa_score\n2b991,Legacy,1e9,0.3,0.8\n2D991,legacy,,0.1,0.5\n"
        "4A994-rest,transactional,5,0,1\n",
        bom=True,
    )
    table, warnings = validate_items(read_items_csv(p), known_eccns={"2B991", "4A994"})
    assert list(table["eccn"]) == ["2B991", "2D991", "4A994-rest"]
    assert list(table["tier"]) == ["legacy", "legacy", "transactional"]
    assert math.isnan(table.loc[1, "value_usd"])
    assert list(table["group"]) == ["B", "D", "A"] and list(table["category"]) == ["2", "2", "4"]
    assert list(table["family"]) == ["2x991", "2x991", "4x994"]
    assert warnings and "2D991" in warnings[0]  # not in the loaded CCL: a warning, not a failure


def test_excel_semicolon_and_decimal_comma(tmp_path):
    p = _csv(tmp_path, "eccn;tier;value_usd;risk;fa_score\n2B991;legacy;1500000,5;0,25;0,8\n")
    table, _ = validate_items(read_items_csv(p))
    assert table.loc[0, "value_usd"] == 1500000.5 and table.loc[0, "risk"] == 0.25


def test_every_problem_listed_with_its_line(tmp_path):
    p = _csv(
        tmp_path,
        "eccn,tier,value_usd,risk,fa_score,ally_GBR\n"
        "2B991,legacy,abc,0.3,0.8,oppose\n"
        "XYZ,legacy,1,0.3,0.8,\n"
        "2B991,secret,-5,-1,1.5,maybe\n",
    )
    with pytest.raises(DecontrolError) as exc:
        validate_items(read_items_csv(p))
    text = "\n".join(exc.value.details)
    assert "line 2 (2B991): value_usd 'abc' is not a number" in text
    assert "line 3 (XYZ): eccn is not an ECCN" in text
    assert "line 4 (2B991): duplicate of line 2" in text
    assert "tier 'secret'" in text and "value_usd '-5'" in text and "risk '-1'" in text
    assert "fa_score '1.5'" in text and "ally_GBR 'maybe'" in text


def test_missing_columns_named():
    with pytest.raises(DecontrolError, match=r"lacks column.*risk, fa_score"):
        validate_items(pd.DataFrame({"eccn": ["2B991"], "tier": ["legacy"], "value_usd": [1.0]}))


def test_partner_filter_and_duplicate_hint():
    df = pd.DataFrame(
        {
            "eccn": ["2B991", "2B991"],
            "partner": ["CHN", "JPN"],
            "tier": ["legacy"] * 2,
            "value_usd": [1.0, 2.0],
            "risk": [0.1, 0.1],
            "fa_score": [0.5, 0.5],
        }
    )
    table, _ = validate_items(df, partner="JPN")
    assert list(table["value_usd"]) == [2.0]
    with pytest.raises(DecontrolError) as exc:
        validate_items(df)
    assert "several partners" in exc.value.details[0]
    with pytest.raises(DecontrolError, match="no rows for partner KOR"):
        validate_items(df, partner="KOR")


@pytest.mark.parametrize(
    "text,words", [("", "empty"), ('eccn,tier,value_usd,risk,fa_score\n"2B991,legacy,1,0.1,0.5\n', "well-formed")]
)
def test_unreadable_files(tmp_path, text, words):
    with pytest.raises(DecontrolError, match=words):
        validate_items(read_items_csv(_csv(tmp_path, text)))


def test_missing_file(tmp_path):
    with pytest.raises(DecontrolError, match="no such item file"):
        read_items_csv(tmp_path / "nope.csv")


def test_typed_table_passes_through(small_table):
    table, warnings = validate_items(small_table)
    assert len(table) == len(small_table) and warnings == []
    assert list(table["ally_GBR"])[3] == "oppose"
