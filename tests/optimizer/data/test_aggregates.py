"""The trade aggregates of the Trade and Allies pages, computed in the optimizer (and printed by
`decontrol trade`): the dashboard's logic only formats them."""

import json

import pandas as pd
import pytest

from optimizer.data import aggregates as agg
from optimizer.data.load import load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_us_exports_and_chapters_sum_the_same_rows(ds):
    us = agg.us_exports_to(ds.trade, "CHN")
    chapters = agg.us_chapter_flows(ds.trade)
    year = int(us["year"].max())
    ex = chapters[(chapters["partner"] == "CHN") & (chapters["flow"] == "exports") & (chapters["year"] == year)]
    assert ex["value_usd"].sum() == pytest.approx(us.loc[us["year"] == year, "value_usd"].sum())
    comp = agg.chapter_composition(ds, "CHN", year, "exports", chapters)
    assert comp.basis == "layer" and comp.frame["value_usd"].sum() == pytest.approx(ex["value_usd"].sum())
    assert agg.chapter_composition(ds, "CHN", 1990, "exports").basis == "none"


def test_each_code_counts_once_under_its_strictest_tier():
    items = pd.DataFrame(
        {"eccn": ["A", "B", "C"], "tier": ["legacy", "foundational", "nlr"], "hs6": ["111111;222222", "222222", ""]}
    )
    tiers = agg.hs6_tiers(items)
    assert tiers.to_dict("records") == [{"hs6": "111111", "tier": "legacy"}, {"hs6": "222222", "tier": "foundational"}]


def test_controlled_by_tier_totals_and_shares(ds):
    from optimizer.estimation import build_item_table

    year = int(ds.trade["year"].max())
    items = build_item_table(ds, "CHN", year)
    controlled = agg.controlled_trade(ds, items, "CHN", (year, year))
    rows = agg.controlled_by_tier(ds, controlled, "CHN", year)
    assert [r["tier"] for r in rows] == ["foundational", "transactional", "legacy", "nlr", agg.ALL_MAPPED]
    assert rows[-1]["value_usd"] == pytest.approx(sum(r["value_usd"] for r in rows[:-1]))
    exports = float(agg.partner_totals(ds, "CHN", (year, year))["exports_usd"].iloc[0])
    assert rows[-1]["share"] == pytest.approx(rows[-1]["value_usd"] / exports)
    # a year without US export rows is no data, not $0
    assert {r["value_usd"] for r in agg.controlled_by_tier(ds, controlled, "CHN", 1990)} == {None}


def test_ally_facts_say_when_they_are_a_proxy(ds):
    year = int(ds.trade["year"].max())
    totals = agg.exporter_totals(ds.trade, "CHN", year)
    jpn = agg.ally_facts(ds, "JPN", "CHN", year, totals)
    assert jpn["exports_to_partner_usd"] == pytest.approx(jpn["world_exports_usd"] * totals["share"])
    assert jpn["basis"].startswith("proxy") and "WA" in jpn["regimes"]
    assert agg.ally_facts(ds, "ZZZ", "CHN", year)["world_exports_usd"] is None


def test_the_cli_prints_the_dashboards_figures(cli, ds):
    from dashboard.logic import allies, trade

    code, out, _ = cli("trade", "--partner", "CHN", "--view", "controlled", "--format", "json")
    assert code == 0
    printed = json.loads(out)["rows"]
    year = int(ds.partner_totals["year"].max())
    from dashboard.state import item_table
    from dashboard.theme import fmt_pct, fmt_usd

    shown = trade.controlled_summary(
        trade.controlled_trade(ds, item_table(ds, "CHN"), "CHN", (2015, year)), ds, "CHN", year
    )

    assert [(r["tier"], fmt_usd(r["value_usd"]), fmt_pct(r["share"], 1)) for r in printed] == [
        (r["tier"], r["value"], r["share"]) for r in shown
    ]
    code, out, _ = cli("trade", "--partner", "CHN", "--view", "allies", "--allies", "JPN", "--format", "json")
    assert code == 0
    row = json.loads(out)["rows"][0]
    panel = allies.ally_panel(ds, "JPN", "CHN", year)
    assert row["exports_to_partner_usd"] == pytest.approx(panel["exports_to_partner_usd"])
    code, out, _ = cli("trade", "--partner", "CHN", "--years", "2018:2019")
    assert code == 0 and "2018" in out and "2020" not in out
    assert cli("trade", "--partner", "CHN", "--years", "soon")[0] == 2
