"""The max-min model against brute force on small random instances, and its lexicographic steps."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from optimizer.coalition.model import (
    gains_usd,
    min_relative_gain,
    potentials,
    relative_gains,
    solve_maxmin,
    solve_us_only,
)
from optimizer.model.items import validate_items
from optimizer.model.scenario import Scenario

TOL = 1e-6


def _scenario(seed: int, items: pd.DataFrame, budget: float) -> Scenario:
    """Vary the constraints with the seed: none, an FA threshold, max items, a lock and a forced item."""
    kw: dict = {"risk_budget": budget, "rel_gap": 0.0}
    open_items = [i for i, t in zip(items["eccn"], items["tier"]) if t != "foundational"]
    if seed % 4 == 1:
        kw["min_fa"] = 0.3
    elif seed % 4 == 2:
        kw["max_items"] = 2
    elif seed % 4 == 3 and len(open_items) >= 2:
        kw["locks"] = [open_items[0]]
        kw["forced"] = [open_items[-1]]
    return Scenario(**kw)


def _brute(items: pd.DataFrame, values: pd.DataFrame, sc: Scenario):
    """Every feasible package; returns (eligible, [(package, min relative gain, total, US value, risk)])."""
    t = items.set_index("eccn")
    forced = set(sc.forced)
    eligible = [
        i
        for i in t.index
        if t.at[i, "tier"] != "foundational"
        and i not in sc.locks
        and (i in forced or (t.at[i, "fa_score"] >= sc.min_fa and not math.isnan(t.at[i, "value_usd"])))
    ]
    pots = {m: p for m, p in potentials(values, eligible).items() if p > 0}
    out = []
    for k in range(len(eligible) + 1):
        for pkg in itertools.combinations(eligible, k):
            risk = float(t.loc[list(pkg), "risk"].sum())
            if not forced <= set(pkg) or risk > sc.risk_budget + 1e-9:
                continue
            if sc.max_items is not None and k > sc.max_items:
                continue
            gains = gains_usd(list(pkg), values)
            rel = min_relative_gain(relative_gains(list(pkg), values[list(pots)], pots)) if pots else None
            out.append((set(pkg), rel, sum(gains.values()), gains["USA"], risk))
    return eligible, pots, out


@pytest.mark.parametrize("seed", range(24))
def test_maxmin_and_its_tie_breaks_equal_brute_force(seed, instance):
    raw, values, budget = instance(seed)
    items, _ = validate_items(raw)
    sc = _scenario(seed, raw, budget)
    solved = solve_maxmin(items, values, sc)
    eligible, pots, feasible = _brute(raw, values, sc)
    if not feasible:
        assert solved.outcome.status == "infeasible" and solved.choices == {}
        return
    assert solved.outcome.status == "optimal"
    chosen = solved.chosen
    assert set(chosen) <= set(eligible)
    assert solved.potentials == pytest.approx(pots)
    best = max(r for _, r, *_ in feasible) if pots else None
    got = min_relative_gain(relative_gains(chosen, values[list(pots)], pots)) if pots else None
    if pots:
        assert got == pytest.approx(best, abs=TOL)
    ties = [f for f in feasible if not pots or f[1] >= best - TOL]
    best_total = max(f[2] for f in ties)
    assert sum(gains_usd(chosen, values).values()) == pytest.approx(best_total, rel=TOL)  # step 2
    least_risk = min(f[4] for f in ties if f[2] >= best_total * (1 - TOL) - 1e-9)
    assert float(raw.set_index("eccn").loc[chosen, "risk"].sum()) == pytest.approx(least_risk, abs=1e-9)  # step 3
    assert [s.name for s in solved.steps][-2:] == ["max total value of members (US$ m)", "min risk"]


@pytest.mark.parametrize("seed", range(0, 24, 3))
def test_us_only_equals_brute_force(seed, instance):
    raw, values, budget = instance(seed)
    items, _ = validate_items(raw)
    sc = _scenario(seed, raw, budget)
    solved = solve_us_only(items, sc)
    _, _, feasible = _brute(raw, values, sc)
    if not feasible:
        assert solved.outcome.status == "infeasible"
        return
    best = max(f[3] for f in feasible)
    assert gains_usd(solved.chosen, values)["USA"] == pytest.approx(best, rel=TOL)
    least_risk = min(f[4] for f in feasible if f[3] >= best * (1 - TOL) - 1e-9)
    assert float(raw.set_index("eccn").loc[solved.chosen, "risk"].sum()) == pytest.approx(least_risk, abs=1e-9)


@pytest.mark.parametrize("seed", [0, 5])
def test_highs_finds_the_same_optimum(seed, instance):
    raw, values, budget = instance(seed, n=10)
    items, _ = validate_items(raw)
    cbc = solve_maxmin(items, values, Scenario(risk_budget=budget, rel_gap=0.0, solver="cbc"))
    highs = solve_maxmin(items, values, Scenario(risk_budget=budget, rel_gap=0.0, solver="highs"))
    assert highs.outcome.status == "optimal" and highs.outcome.solver.startswith("HiGHS")
    assert cbc.outcome.solver.startswith("CBC")
    pots = cbc.potentials
    r = [min_relative_gain(relative_gains(s.chosen, values[list(pots)], pots)) for s in (cbc, highs)]
    assert r[0] == pytest.approx(r[1], abs=TOL)


def _tie_case():
    """Packages {A, B} and {B, C} tie at a smallest relative gain of 1/2; {A, B} unlocks more in
    total. D unlocks nothing and costs risk; the budget allows any two of A, B, C plus D."""
    ids = ["1A101", "2A102", "3A103", "4A104"]
    values = pd.DataFrame({"USA": [1e6, 2e6, 0.0, 0.0], "JPN": [1e6, 0.0, 1e6, 0.0]}, index=pd.Index(ids, name="eccn"))
    raw = pd.DataFrame(
        {
            "eccn": ids,
            "tier": "legacy",
            "value_usd": values["USA"].to_numpy(),
            "risk": [1.0, 1.0, 1.0, 0.1],
            "fa_score": 1.0,
        }
    )
    return validate_items(raw)[0], values


def test_ties_on_the_smallest_gain_go_to_the_larger_total_then_to_less_risk():
    items, values = _tie_case()
    solved = solve_maxmin(items, values, Scenario(risk_budget=2.1, rel_gap=0.0))
    assert solved.chosen == ["1A101", "2A102"]
    assert solved.potentials == {"USA": 3e6, "JPN": 2e6}
    assert relative_gains(solved.chosen, values, solved.potentials) == {"USA": 1.0, "JPN": 0.5}
    assert [s.status for s in solved.steps] == ["optimal"] * 3
    assert solved.steps[0].objective == pytest.approx(0.5, abs=TOL)


def test_a_member_with_nothing_to_gain_is_left_out_of_the_maxmin():
    items, values = _tie_case()
    values["GBR"] = 0.0
    solved = solve_maxmin(items, values, Scenario(risk_budget=2.1, rel_gap=0.0))
    assert "GBR" not in solved.potentials
    assert any("GBR gains nothing" in w for w in solved.warnings)
    assert solved.chosen == ["1A101", "2A102"]


def test_forced_items_over_the_budget_are_infeasible():
    items, values = _tie_case()
    solved = solve_maxmin(items, values, Scenario(risk_budget=1.5, forced=["1A101", "2A102"], rel_gap=0.0))
    assert solved.outcome.status == "infeasible" and not solved.found
    assert len(solved.steps) == 1


def test_a_later_step_stopped_without_a_package_keeps_the_earlier_one_and_says_feasible(monkeypatch):
    import optimizer.coalition.model as cm
    from optimizer.model.solve import SolveOutcome

    real = cm.solve_model
    calls = []

    def stop_after_first(m, **kw):
        calls.append(kw)
        if len(calls) == 1:
            return real(m, **kw)
        return SolveOutcome("time_limit", "CBC (test)", None, None, None, 0.0)

    monkeypatch.setattr(cm, "solve_model", stop_after_first)
    items, values = _tie_case()
    solved = solve_maxmin(items, values, Scenario(risk_budget=2.1, rel_gap=0.0, solver="cbc"))
    assert solved.outcome.status == "feasible" and solved.found
    assert [s.status for s in solved.steps] == ["optimal", "time_limit"]
    assert min_relative_gain(relative_gains(solved.chosen, values, solved.potentials)) == pytest.approx(0.5)
    assert calls[1]["warm_start"] is True  # CBC starts step 2 from step 1's package
