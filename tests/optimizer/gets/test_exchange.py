"""The two-sided package against brute force on random small instances, and on the shipped data."""

from __future__ import annotations

import itertools
import random

import pandas as pd
import pytest

from optimizer.gets.exchange import DEFAULT_GET_SHARES, ExchangeSettings, get_options, solve_exchange
from optimizer.model.scenario import DEFAULT_MODE_PARAMS, Scenario

ECCNS = ["2B991", "3A991", "4A994", "5A991", "6A991"]


def _instance(seed: int):
    rng = random.Random(seed)
    n = rng.randint(2, 4)
    items = pd.DataFrame(
        [
            {
                "eccn": ECCNS[k],
                "tier": rng.choice(["legacy", "legacy", "foundational"]),
                "value_usd": round(rng.uniform(1e6, 5e7), 2),
                "risk": round(rng.uniform(0.0, 0.8), 4),
                "fa_score": 0.5,
            }
            for k in range(n)
        ]
    )
    gets = pd.DataFrame(
        [
            {
                "measure_id": f"m{k}",
                "item_group": "g",
                "status": rng.choice(["in_force", "in_force", "suspended", "none"]),
                "lapse_flag": rng.choice(["", "suspension lapses on 2026-12-01"]),
                "us_imports_from_partner_usd": rng.choice([float("nan"), rng.uniform(1e6, 2e8)]),
            }
            for k in range(rng.randint(1, 3))
        ]
    )
    settings = ExchangeSettings(
        balance_share=rng.choice([0.0, 0.5, 1.0, 2.0]),
        balance_upper=rng.choice([None, 3.0]),
        risk_price_usd=rng.choice([1e6, 2e7, 1e8]),
        supply_premium=0.25,
    )
    modes = tuple(rng.sample(["lift", "approval"], rng.randint(1, 2)))
    return items, gets, settings, Scenario.from_dict({"modes": list(modes), "rel_gap": 0})


def _brute(items, gets, settings, scenario):
    opts = get_options(gets, settings)
    measures = sorted({m for m, _ in opts})
    best = None
    item_choices = [[None] + ([] if r.tier == "foundational" else list(scenario.modes)) for r in items.itertuples()]
    get_choices = [[None] + [r for (m, r) in opts if m == g] for g in measures]
    for gives in itertools.product(*item_choices):
        partner = sum(r.value_usd * DEFAULT_MODE_PARAMS[g].value_share for r, g in zip(items.itertuples(), gives) if g)
        risk = sum(r.risk * DEFAULT_MODE_PARAMS[g].risk_share for r, g in zip(items.itertuples(), gives) if g)
        for asks in itertools.product(*get_choices):
            us = sum(opts[(m, a)] for m, a in zip(measures, asks) if a)
            if partner < settings.balance_share * us - 1e-6:
                continue
            if settings.balance_upper is not None and partner > settings.balance_upper * us + 1e-6:
                continue
            net = us - settings.risk_price_usd * risk
            best = net if best is None else max(best, net)
    return best


@pytest.mark.parametrize("seed", range(120))
def test_exchange_equals_brute_force(seed):
    items, gets, settings, scenario = _instance(seed)
    res = solve_exchange(items, gets, scenario, settings)
    best = _brute(items, gets, settings, scenario)
    if best is None:
        assert res.status == "infeasible"
        return
    assert res.status == "optimal"
    assert res.us_net_gain_usd == pytest.approx(best, abs=1e-3 * max(1.0, abs(best)) + 1.0)
    # the balance holds and no foundational item is given
    assert res.partner_gain_usd >= settings.balance_share * res.us_gain_usd - 1.0
    if settings.balance_upper is not None:
        assert res.partner_gain_usd <= settings.balance_upper * res.us_gain_usd + 1.0
    found = set(items.loc[items["tier"] == "foundational", "eccn"])
    assert not found & {g["eccn"] for g in res.gives}


def _brute_fair(items, gets, settings, scenario):
    """The largest min(US net gain, partner gain) over every exchange (no balance row)."""
    opts = get_options(gets, settings)
    measures = sorted({m for m, _ in opts})
    best = None
    item_choices = [[None] + ([] if r.tier == "foundational" else list(scenario.modes)) for r in items.itertuples()]
    get_choices = [[None] + [r for (m, r) in opts if m == g] for g in measures]
    for gives in itertools.product(*item_choices):
        partner = sum(r.value_usd * DEFAULT_MODE_PARAMS[g].value_share for r, g in zip(items.itertuples(), gives) if g)
        risk = sum(r.risk * DEFAULT_MODE_PARAMS[g].risk_share for r, g in zip(items.itertuples(), gives) if g)
        for asks in itertools.product(*get_choices):
            us = sum(opts[(m, a)] for m, a in zip(measures, asks) if a)
            z = min(us - settings.risk_price_usd * risk, partner)
            best = z if best is None else max(best, z)
    return best


@pytest.mark.parametrize("seed", range(60))
def test_fair_split_equals_brute_force(seed):
    items, gets, settings, scenario = _instance(seed)
    fair = ExchangeSettings(**{**settings.__dict__, "objective": "fair"})
    res = solve_exchange(items, gets, scenario, fair)
    best = _brute_fair(items, gets, fair, scenario)
    assert res.status == "optimal"  # the empty exchange (z = 0) is always feasible
    z = min(res.us_net_gain_usd, res.partner_gain_usd)
    assert z == pytest.approx(best, abs=1e-3 * max(1.0, abs(best)) + 1.0)
    found = set(items.loc[items["tier"] == "foundational", "eccn"])
    assert not found & {g["eccn"] for g in res.gives}


def test_an_unknown_exchange_objective_is_refused():
    from optimizer.errors import DecontrolError

    with pytest.raises(DecontrolError, match="exchange objective 'even'"):
        ExchangeSettings(objective="even")


def test_get_values_and_eligibility():
    gets = pd.DataFrame(
        [
            {"measure_id": "a", "status": "in_force", "lapse_flag": "", "us_imports_from_partner_usd": 100.0},
            {
                "measure_id": "b",
                "status": "suspended",
                "lapse_flag": "suspension lapses on 2026-11-10",
                "us_imports_from_partner_usd": 40.0,
            },
            {"measure_id": "c", "status": "suspended", "lapse_flag": "", "us_imports_from_partner_usd": 40.0},
            {"measure_id": "d", "status": "in_force", "lapse_flag": "", "us_imports_from_partner_usd": float("nan")},
        ]
    )
    opts = get_options(gets, ExchangeSettings(supply_premium=0.5))
    assert opts == {
        ("a", "lift"): 50.0,
        ("a", "suspend"): 25.0,
        ("a", "general_licence"): pytest.approx(15.0),
        ("b", "suspend"): 10.0,
    }
    assert set(DEFAULT_GET_SHARES) == {"lift", "suspend", "general_licence"}


def test_bad_settings_name_the_field():
    from optimizer.errors import DecontrolError

    with pytest.raises(DecontrolError, match="balance_share"):
        ExchangeSettings(balance_share=-1)
    with pytest.raises(DecontrolError, match="balance_upper"):
        ExchangeSettings(balance_share=2, balance_upper=1)


def test_shipped_exchange_for_china_keeps_the_floor_and_the_balance():
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table
    from optimizer.gets.exposure import gets_table

    ds = load_dataset()
    items = build_item_table(ds, "CHN")
    gets = gets_table(ds, "CHN", "2026-12-01")
    res = solve_exchange(items, gets, Scenario.from_dict({"partner": "CHN"}), ExchangeSettings(risk_price_usd=1e7))
    assert res.status == "optimal" and res.gets and res.synthetic
    never = set(items.loc[items["tier"].isin(["foundational", "nlr"]), "eccn"])
    assert not never & {g["eccn"] for g in res.gives}
    assert res.partner_gain_usd >= res.us_gain_usd - 1.0
    assert "2023-23#ge6" in res.excluded_gets  # no HS codes recovered: no measurable exposure


def test_a_package_solved_after_an_exchange_in_the_same_process_still_runs():
    """HiGHS fixes its thread count at its first run in a process; the exchange must use the package
    model's, or every later package solve there ends with status "Not Set"."""
    from optimizer.model import solve_package

    items = pd.DataFrame(
        [{"eccn": e, "tier": "legacy", "value_usd": 2e6, "risk": 0.1, "fa_score": 0.5} for e in ECCNS[:3]]
    )
    gets = pd.DataFrame(
        [
            {
                "measure_id": "m",
                "item_group": "g",
                "status": "in_force",
                "lapse_flag": "",
                "us_imports_from_partner_usd": 1e7,
            }
        ]
    )
    assert solve_exchange(
        items, gets, Scenario.from_dict({"modes": ["lift"]}), ExchangeSettings(risk_price_usd=1e6)
    ).gets
    res = solve_package(items, Scenario.from_dict({"modes": ["lift"], "target_usd": 3e6, "solver": "highs"}))
    assert res.status == "optimal" and len(res.items) == 2
