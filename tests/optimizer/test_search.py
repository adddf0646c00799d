"""Search by HS code and by words: the item's codes, their names and the concordance's rationale."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.search import normalise_query, search_items, search_text

ITEMS = pd.DataFrame(
    {
        "eccn": ["2B991", "3A991", "5A003"],
        "heading": ['"Numerically controlled" machine tools, n.e.s.', "Electronic devices", "Telecom equipment"],
        "reasons": ["AT1", "AT1", "NS2;AT1"],
        "hs6": ["845891;845710", "854231", ""],
    }
)
HS6 = pd.DataFrame(
    {
        "hs6": ["845891", "845710", "854231"],
        "name": ["Lathes; numerically controlled", "Machining centres for working metal", "Processors and controllers"],
    }
)
CONCORDANCE = pd.DataFrame(
    {
        "eccn": ["2B991", "2B991", "3A991"],
        "rationale": ["NC machine tools (boring)", "NC machine tools (boring)", "ICs"],
    }
)


def _found(query: str, concordance: pd.DataFrame | None = CONCORDANCE) -> list[str]:
    return list(search_items(ITEMS, search_text(ITEMS, HS6, concordance), query)["eccn"])


@pytest.mark.parametrize("query", ["845891", "8458.91", "8458 91", "lathe", "LATHES", "8458"])
def test_hs_code_and_product_words_find_an_item_whose_heading_says_neither(query):
    assert _found(query) == ["2B991"]


def test_every_word_must_match_and_heading_and_eccn_still_count():
    assert _found("lathe numerically") == ["2B991"]
    assert _found("lathe processors") == []
    assert _found("5a003") == ["5A003"]
    assert _found("telecom") == ["5A003"]
    assert _found("") == ["2B991", "3A991", "5A003"]


def test_rationale_is_searched_only_when_the_concordance_is_given():
    assert _found("boring") == ["2B991"]
    assert _found("boring", concordance=None) == []


def test_an_item_without_codes_has_an_empty_text():
    text = search_text(ITEMS, HS6, CONCORDANCE)
    assert text["5A003"] == "" and "845891" in text["2B991"] and "8458.91" in text["2B991"]


def test_normalise_query_drops_hs_punctuation_between_digits_only():
    assert normalise_query(" 8458.91  Lathe ") == ["845891", "lathe"]
    assert normalise_query("n.e.s.") == ["n.e.s."]
    assert normalise_query(None) == []


def test_shipped_data_finds_2b991_by_code_and_by_word():
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    ds = load_dataset()
    items = build_item_table(ds, "CHN", int(ds.trade["year"].max()))
    text = search_text(items, ds.hs6, ds.concordance)
    for q in ("845891", "lathe"):
        assert "2B991" in set(search_items(items, text, q)["eccn"])
