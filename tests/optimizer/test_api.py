"""The core API: one module from a partner and a target to a package, results typed both ways."""

import json

import pytest

from optimizer import api


@pytest.fixture(scope="module")
def chn():
    ds = api.load_dataset()
    return ds, api.item_table(ds, "CHN")


def test_a_package_from_a_partner_and_a_target_round_trips(chn):
    ds, items = chn
    res = api.solve_package(items, api.Scenario.from_dict({"target_usd": 5e6}))
    assert res.status == api.Status.OPTIMAL and res.achieved_usd >= 5e6
    d = res.to_dict()
    back = api.PackageResult.from_dict(json.loads(json.dumps(d)))
    assert isinstance(back.items[0], api.PackageLine) and back.achieved_usd == res.achieved_usd
    assert back.to_dict() == d
    assert {e.reason for e in back.excluded} <= set(api.REASONS)
    assert {l.tier for l in back.items} <= set(api.TIERS)


def test_from_dict_ignores_extra_keys_and_fills_defaults():
    r = api.PackageResult.from_dict(
        {
            "status": "infeasible",
            "objective": "min-risk",
            "target_usd": 1e9,
            "achieved_usd": None,
            "risk": None,
            "ally_penalty": None,
            "objective_value": None,
            "max_achievable_usd": 2e6,
            "n_items": 0,
            "extra": 1,
        }
    )
    assert not r.found and r.items == [] and r.max_achievable_usd == 2e6


def test_every_figure_family_is_reachable_from_the_api(chn):
    ds, items = chn
    space = api.concession_space(items)
    assert space is not None
    year = int(ds.trade["year"].max())
    rows = api.controlled_by_tier(ds, api.controlled_trade(ds, items, "CHN", (year, year)), "CHN", year)
    assert rows[-1]["tier"] == "all mapped codes"
    assert api.ally_facts(ds, "JPN", "CHN", year)["iso3"] == "JPN"
    for name in ("compute_frontier", "find_alternatives", "coalition_package", "exchange_package"):
        assert callable(getattr(api, name))
