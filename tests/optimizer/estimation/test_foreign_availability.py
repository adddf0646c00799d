"""Foreign availability components, score and overrides on hand-computed cases (see conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.estimation import EstimationConfig, build_item_table

S1 = 0.5 / 1.1  # 2B991's capped share of 845891


def test_us_unilateral_item_components_by_hand(ds):
    r = build_item_table(ds, "CHN").set_index("eccn").loc["2B991"]
    # supplier values: 845891 x S1 (USA 100, DEU 300, JPN 200, CHN 150, ITA 150, TWN 100) + 845961 x 0.2 (USA 50, DEU 50)
    total = 1000 * S1 + 100 * 0.2
    third = (300 + 200 + 150 + 100) * S1 + 50 * 0.2  # DEU, JPN, ITA, TWN: no regime for a US-only control
    assert r["fa_world_exports_usd"] == pytest.approx(total, abs=0.01)
    assert r["fa_non_regime_share"] == pytest.approx(third / total, abs=1e-6)
    assert r["fa_all_foreign_share"] == pytest.approx((total - 100 * S1 - 50 * 0.2) / total, abs=1e-6)
    cap = (150 * S1) / (500 * S1 + 40 * 0.2)  # CHN exports / CHN imports of the same codes
    assert r["fa_partner_capacity"] == pytest.approx(cap, abs=1e-6)
    assert r["fa_partner_exports_usd"] == pytest.approx(150 * S1, abs=0.01)
    assert r["fa_supplier_count"] == 4  # DEU, JPN, ITA, TWN (>= 2%); not USA, not CHN
    score = 0.5 * min(1, (third / total) / 0.5) + 0.3 * cap + 0.2 * min(1, 4 / 5)
    assert r["fa_score"] == pytest.approx(score, abs=1e-6)
    assert r["fa_basis"] == "trade data"
    assert r["fa_top_suppliers"].startswith("DEU 31%; JPN 19%; CHN 14% [partner]")
    assert "4 suppliers outside the US >= 2%" in r["fa_evidence"]


def test_regime_members_are_not_foreign_availability(ds):
    r = build_item_table(ds, "CHN").set_index("eccn").loc["2B001"]
    # WA;NSG members: USA, DEU, JPN, GBR, NLD, KOR, ITA, CHN -> only TWN (100 of 1000) is outside
    assert r["fa_non_regime_share"] == pytest.approx(0.1)
    assert "[regime]" in r["fa_top_suppliers"]
    assert "outside the US and WA+NSG" in r["fa_evidence"]


def test_capacity_capped_at_one_and_suppliers_threshold(ds):
    r = build_item_table(ds, "CHN").set_index("eccn").loc["4A994"]
    # 847130: CHN exports 80 vs imports 100 -> 0.8; KOR (10%) is the only third-country supplier
    assert r["fa_partner_capacity"] == pytest.approx(0.8)
    assert r["fa_supplier_count"] == 1
    cfg = EstimationConfig(min_supplier_share=0.2)
    r2 = build_item_table(ds, "CHN", config=cfg).set_index("eccn").loc["4A994"]
    assert r2["fa_supplier_count"] == 0


def test_items_without_trade_data_score_zero(ds):
    r = build_item_table(ds, "CHN").set_index("eccn").loc["2A290"]
    assert r["fa_score"] == 0.0
    assert r["fa_basis"] == "no trade data (no HS mapping)"
    assert pd.isna(r["fa_non_regime_share"])


def test_partner_changes_the_components(ds):
    jpn = build_item_table(ds, "JPN").set_index("eccn").loc["2B991"]
    assert jpn["fa_partner_imports_usd"] == 0.0
    assert jpn["fa_partner_capacity"] == 1.0  # exports without imports: full capacity
    assert "JPN 19% [partner]" in jpn["fa_top_suppliers"]
    assert jpn["fa_supplier_count"] == 4  # DEU, CHN, ITA, TWN
    total = 1000 * S1 + 100 * 0.2
    assert jpn["fa_non_regime_share"] == pytest.approx(((300 + 150 + 150 + 100) * S1 + 50 * 0.2) / total, abs=1e-6)


def test_fa_override_replaces_the_score_and_keeps_the_evidence(make_ds):
    ov = pd.DataFrame(
        [
            {
                "eccn": "2B991",
                "partner": "CHN",
                "fa_score": 0.95,
                "comparable_models": "DMG Mori NLX",
                "foreign_sources": "DEU, JPN, TWN",
                "production_sales": "",
                "quality": "comparable",
                "author": "A. Analyst",
                "date": "2025-04-01",
            },
            {"eccn": "2B991", "partner": "JPN", "fa_score": 0.1, "author": "x", "date": "2025-04-01"},
        ]
    )
    ds = make_ds(fa_overrides=ov)
    t = build_item_table(ds, "CHN").set_index("eccn")
    r = t.loc["2B991"]
    assert r["fa_score"] == 0.95 and bool(r["fa_override"]) and r["fa_basis"] == "analyst override"
    assert r["fa_score_computed"] == pytest.approx(0.74694, abs=1e-4)
    assert "comparable models: DMG Mori NLX" in r["fa_evidence"] and "A. Analyst" in r["fa_evidence"]
    # the override also drives the risk reduction
    assert r["risk"] == pytest.approx(0.05 * (1 - 0.5 * 0.95))
    assert not t.loc["4A994", "fa_override"]


def test_fa_weights_are_settings(ds):
    cfg = EstimationConfig(fa_weights={"non_regime": 0.0, "capacity": 1.0, "suppliers": 0.0})
    r = build_item_table(ds, "CHN", config=cfg).set_index("eccn").loc["4A994"]
    assert r["fa_score"] == pytest.approx(0.8)
