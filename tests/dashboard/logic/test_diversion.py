"""The Diversion page's logic on the shipped synthetic mirror table: ranking, ally whitelist, chart, downloads."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.figures.common import badge_of
from dashboard.logic import diversion
from optimizer.audience import INTERNAL_MARKERS
from optimizer.data.load import load_dataset
from optimizer.errors import DecontrolError


def _text(component) -> str:
    """All text of a component tree."""
    if isinstance(component, (str, int, float)):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, (list, tuple)):
        children = [children]
    return " ".join(_text(c) for c in children)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_analyst_ranking_has_the_mapping_and_the_ally_view_does_not(ds):
    _, analyst = diversion.filtered(ds, "RUS", ["1", "2"], None, "internal")
    _, ally = diversion.filtered(ds, "RUS", ["1", "2"], None, "ally")
    assert "eccns" in analyst.columns and "eccns" not in ally.columns
    assert set(ally.columns) <= set(diversion.ALLY_FIELDS)
    assert not [c for c in ally.columns for m in INTERNAL_MARKERS if m in c]
    assert list(ally["rank"]) == list(analyst["rank"]) and set(ally["data"]) == {"SYNTHETIC"}
    # the ally cannot filter by CCL item (analyst-made mapping): the filter is ignored for allies
    _, ally_eccn = diversion.filtered(ds, "RUS", [], "3A001", "ally")
    _, analyst_eccn = diversion.filtered(ds, "RUS", [], "3A001", "internal")
    assert len(ally_eccn) > len(analyst_eccn) > 0
    assert analyst_eccn["eccns"].str.contains("3A001").all()


def test_ranking_view_says_synthetic_and_offers_the_top_pairs(ds):
    v = diversion.ranking_view(ds, "CHN", [], None, "internal")
    banner = _text(v.banner)
    assert "SYNTHETIC" in banner and "no row is evidence" in banner and "Weights: growth 0.35" in banner
    assert "Re-export" in _text(v.table) and "ECCNs (mapped)" in _text(v.table)
    ally = diversion.ranking_view(ds, "CHN", [], None, "ally")
    assert "ECCNs" not in _text(ally.table) and "Re-export" in _text(ally.table)
    assert len(v.pair_options) == diversion.TABLE_ROWS and v.pair_value == v.pair_options[0]["value"]
    assert badge_of(v.matrix) == "synthetic"


def test_pair_figure_marks_the_control_dates(ds):
    fig = diversion.pair_figure(ds, "CHN", "SGP|854231")
    assert badge_of(fig) == "synthetic" and len(fig.data) == 4
    texts = [a.text for a in fig.layout.annotations]
    assert any("2022-10-07" in t for t in texts) and any("2023-10-17" in t for t in texts)
    assert len([s for s in fig.layout.shapes]) == 2


def test_downloads_carry_the_label_and_the_audience_columns(ds):
    csv = diversion.download(ds, "RUS", ["1"], None, "ally", "csv")
    df = pd.read_csv(io.StringIO(csv["content"].lstrip("\ufeff")), dtype={"hs6": str})
    assert "eccns" not in df.columns and set(df["data"]) == {"SYNTHETIC"} and set(df["chpl_tier"].astype(str)) == {"1"}
    xlsx = diversion.download(ds, "RUS", ["1"], None, "internal", "xlsx")
    assert xlsx["filename"] == "diversion_RUS_synthetic.xlsx" and xlsx["base64"]


def test_unknown_target_is_a_clear_error(ds):
    with pytest.raises(DecontrolError, match="unknown target"):
        diversion.ranking_view(ds, "IRN", [], None, "internal")
