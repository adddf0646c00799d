"""Each diversion signal recomputed by hand on numbers small enough to check on paper."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from optimizer.diversion import signals as sg


def test_first_post_year_counts_a_year_treated_when_the_control_took_effect_by_1_july():
    assert sg.first_post_year(date(2022, 2, 24)) == 2022
    assert sg.first_post_year(date(2022, 7, 1)) == 2022
    assert sg.first_post_year(date(2022, 10, 7)) == 2023


def test_trend_residual_of_an_exact_trend_with_a_post_jump():
    years = np.arange(2017, 2025)
    values = np.exp(10 + 0.1 * (years - 2017) + np.where(years >= 2022, 0.5, 0.0))
    r = sg.trend_residual(years, values, 2022)
    assert r.slope == pytest.approx(0.1)
    assert r.mean_post_residual == pytest.approx(0.5)
    assert r.sigma == pytest.approx(0.0, abs=1e-9) and r.pred_se == pytest.approx(0.0, abs=1e-9)
    assert (r.n_pre, r.n_post) == (5, 3)


def test_trend_residual_with_noise_matches_a_hand_fit():
    years = np.array([2018, 2019, 2020, 2021, 2022])
    logs = np.array([10.0, 10.3, 10.1, 10.4, 11.0])
    r = sg.trend_residual(years, np.exp(logs), 2022)
    # pre 2018-2021: x mean 2019.5, y mean 10.2, Sxy = (-1.5)(-.2)+(-.5)(.1)+(.5)(-.1)+(1.5)(.2) = 0.5, Sxx = 5
    slope, intercept = 0.1, 10.2 - 0.1 * 2019.5
    assert r.slope == pytest.approx(slope)
    assert r.mean_post_residual == pytest.approx(11.0 - (intercept + slope * 2022))  # 0.55
    resid = logs[:4] - (intercept + slope * years[:4])  # -.05, .15, -.15, .05
    sigma = math.sqrt((resid**2).sum() / 2)
    assert r.sigma == pytest.approx(sigma)
    assert r.pred_se == pytest.approx(sigma * math.sqrt(1 + 1 / 4 + 2.5**2 / 5))


def test_trend_residual_needs_three_pre_years_and_one_post_year():
    years = np.arange(2019, 2025)
    assert sg.trend_residual(years, np.full(6, 1e6), 2022) is not None  # 2019-2021: three pre years
    assert sg.trend_residual(years, np.full(6, 1e6), 2021) is None  # 2019-2020: two
    assert sg.trend_residual(years, np.full(6, 1e6), 2025) is None  # no post year
    tiny = np.array([1e6, 1e6, 500.0, 1e6, 1e6, 1e6, 1e6])  # < MIN_VALUE_USD: not a year with trade
    assert sg.trend_residual(np.arange(2018, 2025), tiny, 2021) is None


def _res(r: float, pred_se: float = 0.0) -> sg.Residual:
    return sg.Residual(r, 0.0, 0.0, 5, 3, pred_se)


def test_did_uses_the_placebo_spread_of_the_peers():
    g = sg.did_growth(_res(0.5), [_res(0.1), _res(-0.1), _res(0.0)])
    se = 0.1 * math.sqrt(1 + 1 / 3)
    assert g.did == pytest.approx(0.5) and g.se == pytest.approx(se)
    assert g.z == pytest.approx(0.5 / se) and g.score == 1.0
    assert (g.low90, g.high90) == (pytest.approx(0.5 - 1.645 * se), pytest.approx(0.5 + 1.645 * se))
    assert g.excess_pct == pytest.approx(math.e**0.5 - 1)


def test_did_score_is_z_over_three_and_the_own_trend_error_is_a_floor():
    g = sg.did_growth(_res(0.3), [_res(0.1), _res(-0.1)])
    se = math.sqrt(0.02) * math.sqrt(1.5)  # sd of (0.1, -0.1), ddof 1
    assert g.score == pytest.approx((0.3 / se) / 3)
    g2 = sg.did_growth(_res(0.3, pred_se=1.0), [_res(0.1), _res(-0.1)])
    assert g2.se == 1.0 and g2.z == pytest.approx(0.3)
    shrink = sg.did_growth(_res(-0.4), [_res(0.1), _res(-0.1)])
    assert shrink.score == 0.0


def test_reexport_ratio_scores_only_its_rise():
    s = sg.reexport_signal(10, 100, 90, 300)
    assert (s.ratio_pre, s.ratio_post) == (0.1, 0.3)
    assert s.rise == pytest.approx(0.2) and s.score == pytest.approx(0.2 / 0.3)
    stable_entrepot = sg.reexport_signal(50, 100, 100, 200)
    assert stable_entrepot.ratio_post == 0.5 and stable_entrepot.score == 0.0
    no_imports = sg.reexport_signal(0, 0, 0, 0)
    assert math.isnan(no_imports.ratio_post) and no_imports.score == 0.0


def test_mirror_gaps_against_their_own_pre_level():
    assert sg.gap(1e6, 1.06e6) == pytest.approx(-0.06)  # CIF above FOB: a normal negative leg-1 gap
    assert math.isnan(sg.gap(10_000, 0))  # below the minimum reference
    m = sg.mirror_signal(-0.06, 0.04, 0.05, 0.07)
    assert m.rise == pytest.approx(0.10) and m.score == pytest.approx(0.5)
    m2 = sg.mirror_signal(-0.06, -0.06, float("nan"), float("nan"))
    assert m2.rise == pytest.approx(0.0) and m2.score == 0.0
    assert sg.mirror_signal(float("nan"), 0.3, float("nan"), 0.3).score == 0.0


def test_unit_value_change_both_directions_with_a_deadband():
    s = sg.unit_value_signal((100, 10), (200, 20), (100, 30), (200, 20))
    assert s.log_rel_pre == pytest.approx(0.0) and s.change == pytest.approx(math.log(1 / 3))
    assert s.score == 1.0
    up = sg.unit_value_signal((100, 10), (200, 20), (150, 10), (200, 20))
    assert up.score == pytest.approx((math.log(1.5) - 0.2) / 0.8)
    none = sg.unit_value_signal((100, 0), (200, 20), (100, 30), (200, 20))
    assert not none.available and math.isnan(none.score)


def test_combine_leaves_out_unavailable_signals_and_renormalises():
    w = {"growth": 0.5, "reexport": 0.3, "mirror": 0.2, "unit_value": 0.0}
    assert sg.combine({"growth": 1.0, "reexport": 0.5, "mirror": 0.0, "unit_value": 1.0}, w) == pytest.approx(0.65)
    assert sg.combine({"growth": float("nan"), "reexport": 0.5, "mirror": 0.0}, w) == pytest.approx(0.15 / 0.5)
    assert sg.combine({}, w) == 0.0
