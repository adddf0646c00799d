"""The item table as a whole: columns, inputs checked, provenance, caching, speed-independent facts."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.errors import DecontrolError
from optimizer.estimation import ITEM_COLUMNS, EstimationConfig, build_item_table


def test_one_row_per_item_with_every_column(ds):
    t = build_item_table(ds, "CHN")
    assert list(t.columns) == ITEM_COLUMNS
    assert t["eccn"].is_unique
    assert set(t["eccn"]) == set(ds.ccl["eccn"]) | {"2B001-rest"}
    assert (t["partner"] == "CHN").all() and (t["year"] == 2024).all()
    assert t["synthetic"].all() and (t["source"] == "hand-made test trade").all()
    assert t.attrs["synthetic"] is True and t.attrs["partner"] == "CHN"
    row = t.set_index("eccn").loc["2B001-rest"]
    assert (row["heading"], row["group"], row["category"], row["family"]) == ("heading of 2B001", "B", 2, "2x001")
    assert t.set_index("eccn").loc["2B991", "hs6"] == "845891;845961"


def test_scores_are_finite_and_in_range(ds):
    t = build_item_table(ds, "CHN")
    assert t["fa_score"].between(0, 1).all()
    assert (t["risk"] >= 0).all() and t["risk"].notna().all()
    assert (t["risk"] <= t["risk_base"] + 1e-12).all()
    assert (t["value_usd"].dropna() >= 0).all()


def test_partner_is_case_insensitive_and_checked(ds):
    assert build_item_table(ds, "chn")["partner"].iloc[0] == "CHN"
    for bad in ("XXX", "USA", "WLD", ""):
        with pytest.raises(DecontrolError, match="unknown partner"):
            build_item_table(ds, bad)


def test_year_default_latest_and_unknown_year(ds):
    assert build_item_table(ds, "CHN", year=2019)["year"].iloc[0] == 2019
    with pytest.raises(DecontrolError, match="no trade data for year 2030: the trade table has 2019, 2024"):
        build_item_table(ds, "CHN", year=2030)
    with pytest.raises(DecontrolError, match="baseline year 2000"):
        build_item_table(ds, "CHN", config=EstimationConfig(value_method="baseline", baseline_year=2000))
    assert build_item_table(ds, "CHN", config=EstimationConfig(year=2019))["year"].iloc[0] == 2019


def test_empty_trade_is_a_clear_error(make_ds):
    ds = make_ds(trade=pd.DataFrame(columns=["year", "exporter", "importer", "hs6", "value_usd"]))
    with pytest.raises(DecontrolError, match="trade table is empty"):
        build_item_table(ds, "CHN")


def test_overrides_visible_in_the_table(make_ds):
    ov = pd.DataFrame(
        [("2B991", "foundational", "held back for round 2", "A. Analyst", "2025-05-01")],
        columns=["eccn", "tier", "reason", "author", "date"],
    )
    t = build_item_table(make_ds(tier_overrides=ov), "CHN").set_index("eccn")
    assert t.loc["2B991", "tier"] == "foundational"
    assert t.loc["2B991", "tier_source"] == "override"
    assert "held back for round 2 [A. Analyst, 2025-05-01]" in t.loc["2B991", "tier_reason"]


def test_partner_bar_only_for_its_partner(ds):
    cfg = EstimationConfig(remainder_tier="transactional")
    assert build_item_table(ds, "CHN", config=cfg).set_index("eccn").loc["0A978", "tier"] == "foundational"
    assert build_item_table(ds, "JPN", config=cfg).set_index("eccn").loc["0A978", "tier"] == "transactional"


def test_warnings_in_attrs(make_ds):
    conc = pd.DataFrame(
        {
            "eccn": ["2B991", "7Z999"],
            "hs6": ["845891", "845891"],
            "confidence": ["high", "high"],
            "controlled_share": [0.5, 0.5],
            "rationale": ["t", "t"],
        }
    )
    t = build_item_table(make_ds(concordance=conc), "CHN")
    assert any("7Z999" in w for w in t.attrs["warnings"])
    assert any("AG, CWC, MTCR not in regimes.csv" in w for w in t.attrs["warnings"])


def test_cached_and_fresh_results_agree(ds):
    from optimizer.estimation.item_table import clear_cache

    a = build_item_table(ds, "CHN")
    b = build_item_table(ds, "CHN")
    clear_cache()
    c = build_item_table(ds, "CHN")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    # the returned table is the caller's: editing it does not leak into the next build
    a.loc[0, "tier"] = "legacy"
    pd.testing.assert_frame_equal(build_item_table(ds, "CHN"), c)


def test_config_change_is_not_served_from_the_cache(ds):
    a = build_item_table(ds, "CHN").set_index("eccn")
    b = build_item_table(ds, "CHN", config=EstimationConfig(risk_weights={"AT": 1.0})).set_index("eccn")
    assert a.loc["4A994", "risk_base"] == pytest.approx(0.05)
    assert b.loc["4A994", "risk_base"] == pytest.approx(1.0)


def test_cache_keeps_only_a_few_datasets_alive(make_ds):
    from optimizer.estimation import item_table

    item_table.clear_cache()
    for _ in range(5):
        build_item_table(make_ds(), "CHN")
    alive = {k[1] for k in item_table._cache}
    assert len(alive) <= item_table._MAX_DATASETS
