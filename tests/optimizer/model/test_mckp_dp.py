"""The knapsack class's core DP (`mckp_dp.py`): brute-force optima (also in test_mckp.py, through
`Mckp.solve`), its two family enumerations agreeing, its hand-overs (states, time) and its start."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from optimizer.model import mckp_dp
from optimizer.model.mckp import DP_LABEL, LABEL, Mckp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_mckp import _brute, _random_problem


def _problems(seed: int, count: int) -> list[tuple[Mckp, float]]:
    rng = np.random.default_rng(seed)
    return [_random_problem(rng) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_exact_at_zero_gap_and_within_a_gap(seed):
    for p, target in _problems(500 + seed, 80):
        best = _brute(p, target)
        for gap in (0.0, 0.02):
            ans = mckp_dp.solve_dp(p, target, gap, 10.0)
            assert ans is not None and ans.solver == DP_LABEL
            if math.isinf(best):
                assert ans.status == "infeasible" and ans.choice is None
                continue
            c, v = p._eval(ans.choice)
            assert ans.status == "optimal" and p.coherent(ans.choice) and v >= target - 1e-9
            assert c == pytest.approx(ans.objective, abs=1e-12)
            assert ans.bound is not None and ans.bound <= best + 1e-9
            assert ans.objective - best <= gap * max(abs(ans.objective), 1e-9) + 1e-9
            assert ans.gap is not None and ans.gap <= gap


def test_the_two_family_enumerations_agree(monkeypatch):
    """All configurations at once (small families) and configuration by configuration (large ones)
    give the same Pareto set, so the cut-over changes no answer."""
    for p, _ in _problems(7, 120):
        for g in range(p.n_comp):
            items = np.flatnonzero(p.comp == g)
            sup, dep = items[p.is_support[items]], items[~p.is_support[items]]
            once = mckp_dp._family(p, sup, dep)
            monkeypatch.setattr(mckp_dp, "ENUMERATE_MAX", 0)
            stepwise = mckp_dp._family(p, sup, dep)
            monkeypatch.undo()
            assert once is not None and stepwise is not None
            a = sorted(zip(once[1].round(12), once[2].round(12)))
            b = sorted(zip(stepwise[1].round(12), stepwise[2].round(12)))
            assert a == b


@pytest.mark.parametrize("cap", ["STATE_CAP", "POINTER_CAP"])
def test_too_many_states_hands_the_point_to_the_branch_and_bound(monkeypatch, cap):
    monkeypatch.setattr(mckp_dp, cap, 0)
    handed = 0
    for p, target in _problems(11, 80):
        best = _brute(p, target)
        ans = p.solve(target, 0.0, 10.0)
        handed += ans.solver == LABEL
        if not math.isinf(best):
            assert ans.status == "optimal" and ans.objective == pytest.approx(best, abs=1e-9)
    assert handed > 0


def test_a_start_better_than_the_greedy_package_is_kept(monkeypatch):
    """A sweep's neighbour (a package meeting a higher target) is the incumbent when it beats the
    greedy one; a start that misses the target is ignored."""
    cost = np.array([[1.0], [1.05], [1.2]])
    value = np.array([[10.0], [10.0], [11.0]])
    p = Mckp(cost, value, np.ones((3, 1), bool), np.ones(3, bool), np.full(3, -1), np.zeros(3, bool))
    ans = mckp_dp.solve_dp(p, 11.0, 0.0, 10.0)
    assert ans is not None and ans.choice.tolist() == [-1, -1, 0] and ans.objective == pytest.approx(1.2)
    # with the DP finding nothing, the answer is the greedy package (items 0 and 1) or the start
    monkeypatch.setattr(mckp_dp, "_core_dp", lambda *a, **k: None)
    greedy = mckp_dp.solve_dp(p, 11.0, 0.0, 10.0)
    assert greedy is not None and greedy.choice.tolist() == [0, 0, -1] and greedy.objective == pytest.approx(2.05)
    kept = mckp_dp.solve_dp(p, 11.0, 0.0, 10.0, start=np.array([-1, -1, 0]))
    assert kept is not None and kept.choice.tolist() == [-1, -1, 0] and kept.objective == pytest.approx(1.2)
    short = mckp_dp.solve_dp(p, 11.0, 0.0, 10.0, start=np.array([0, -1, -1]))
    assert short is not None and short.objective == pytest.approx(2.05)


def test_a_time_limit_stops_with_the_incumbent(monkeypatch):
    """Past its time limit the DP reports the package it has as `feasible`, stopped by time."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    from bench_optimizer import generate_items, scenario_for

    from optimizer.model.arrays import build_arrays
    from optimizer.model.items import validate_items

    table = generate_items(6000, seed=1)
    am = build_arrays(validate_items(table)[0], scenario_for(table, "knapsack"))
    p = Mckp.from_arrays(am)
    assert p is not None
    top = float(p.value.max(axis=1).sum())
    stopped = []
    for f in np.linspace(0.1, 0.9, 9):
        ans = mckp_dp.solve_dp(p, top * f, 1e-9, 0.0)
        assert ans is not None and ans.choice is not None
        _, v = p._eval(ans.choice)
        assert v >= top * f - 1e-6 and p.coherent(ans.choice)
        if ans.stopped:
            assert ans.stopped == "time" and ans.status == "feasible"
            stopped.append(ans)
    assert stopped
