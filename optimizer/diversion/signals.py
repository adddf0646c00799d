"""The diversion signals as pure functions of small numbers: one (hub, HS6, target) at a time.

Each function returns a frozen record: a score in [0, 1] plus the numbers it was computed from, so
every ranked row can show why it ranks where it does. Formulas and thresholds are in this folder's
README.md; the tests recompute each one by hand. Nothing here reads files or knows where the figures
came from: `panel.py` shapes the mirror table, `rank.py` applies these to every pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

#: Years of pre-period used for a hub's own trend (the most recent ones before the control).
PRE_WINDOW = 5
MIN_PRE_YEARS = 3
#: Score scales: the value of the statistic at which a score reaches 1.
GROWTH_Z_FULL = 3.0  # DiD z-statistic
REEXPORT_RISE_FULL = 0.3  # rise of the re-export ratio (post minus pre)
GAP_RISE_FULL = 0.2  # rise of a mirror gap (post minus pre, share of the reference report)
UV_DEADBAND = 0.2  # |change of log unit value| below this scores 0 ...
UV_FULL = 1.0  # ... and reaches a score of 1 here (1.0 = a factor e = 2.7)
#: Below this many US dollars a year a flow is treated as absent (log of tiny values is noise).
MIN_VALUE_USD = 1_000.0


def first_post_year(since: date) -> int:
    """The first calendar year counted as after a control: its own year if it took effect by 1 July
    (most of the year is treated), else the next one. Annual data cannot resolve finer."""
    return since.year if (since.month, since.day) <= (7, 1) else since.year + 1


def _clip01(x: float) -> float:
    return float(min(max(x, 0.0), 1.0)) if math.isfinite(x) else 0.0


@dataclass(frozen=True)
class Residual:
    """A hub's coalition imports of one code after the control, against its own pre-period trend."""

    mean_post_residual: float  # mean over post years of log(value) minus the pre-trend's prediction
    sigma: float  # standard deviation of the pre-period fit's residuals (ddof 2)
    slope: float  # pre-period log growth per year
    n_pre: int
    n_post: int
    pred_se: float  # standard error of the predicted post mean (trend uncertainty + noise)


def trend_residual(years: np.ndarray, values: np.ndarray, first_post: int) -> Residual | None:
    """OLS of log(value) on year over the pre years (at most PRE_WINDOW, at least MIN_PRE_YEARS), and
    the mean post-period deviation from it. None when there are too few years with trade."""
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    ok = np.isfinite(values) & (values >= MIN_VALUE_USD)
    pre = ok & (years < first_post) & (years >= first_post - PRE_WINDOW)
    post = ok & (years >= first_post)
    n_pre, n_post = int(pre.sum()), int(post.sum())
    if n_pre < MIN_PRE_YEARS or n_post < 1:
        return None
    x, y = years[pre], np.log(values[pre])
    xm = x.mean()
    sxx = float(((x - xm) ** 2).sum())
    slope = float(((x - xm) * (y - y.mean())).sum() / sxx)
    intercept = float(y.mean() - slope * xm)
    resid = y - (intercept + slope * x)
    sigma = float(math.sqrt((resid**2).sum() / (n_pre - 2))) if n_pre > 2 else 0.0
    xp = years[post]
    post_resid = np.log(values[post]) - (intercept + slope * xp)
    pred_se = sigma * math.sqrt(1.0 / n_post + 1.0 / n_pre + (xp.mean() - xm) ** 2 / sxx)
    return Residual(float(post_resid.mean()), sigma, slope, n_pre, n_post, float(pred_se))


@dataclass(frozen=True)
class GrowthSignal:
    """Difference in differences: the hub's excess over its own trend minus the peers' mean excess."""

    did: float  # log points
    se: float
    z: float
    low90: float  # did -/+ 1.645 se
    high90: float
    excess_pct: float  # exp(did) - 1
    n_peers: int
    own_residual: float
    peer_mean_residual: float
    score: float


def did_growth(own: Residual, peers: list[Residual]) -> GrowthSignal:
    """`did = r_hub - mean(r_peers)`; its standard error is the larger of the placebo spread
    `sd(r_peers) * sqrt(1 + 1/n_peers)` (how far an untreated hub strays) and the hub's own trend
    prediction error (few years of data); `score = clip(z / 3, 0, 1)`. Without peers the hub is
    compared with its own trend only."""
    rs = np.array([p.mean_post_residual for p in peers], dtype=float)
    n = len(rs)
    peer_mean = float(rs.mean()) if n else 0.0
    did = own.mean_post_residual - peer_mean
    placebo = float(rs.std(ddof=1)) * math.sqrt(1.0 + 1.0 / n) if n >= 2 else 0.0
    se = max(placebo, own.pred_se, 1e-9)
    z = did / se
    return GrowthSignal(
        did,
        se,
        z,
        did - 1.645 * se,
        did + 1.645 * se,
        math.expm1(did),
        n,
        own.mean_post_residual,
        peer_mean,
        _clip01(z / GROWTH_Z_FULL),
    )


@dataclass(frozen=True)
class ReexportSignal:
    """The hub's exports of the code to the target over its imports of it from the coalition."""

    ratio_pre: float
    ratio_post: float
    rise: float
    score: float


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is not positive."""
    return numerator / denominator if denominator > 0 else float("nan")


def reexport_signal(
    to_target_pre: float, from_coalition_pre: float, to_target_post: float, from_coalition_post: float
) -> ReexportSignal:
    """Ratios of period sums; `score = clip((post - pre) / 0.3, 0, 1)`. A high but stable ratio
    (an entrepot such as Hong Kong for China) does not score: only the rise after the control does."""
    pre = ratio(to_target_pre, from_coalition_pre)
    post = ratio(to_target_post, from_coalition_post)
    rise = post - (pre if math.isfinite(pre) else 0.0)
    return ReexportSignal(pre, post, rise, _clip01(rise / REEXPORT_RISE_FULL))


#: A mirror gap is computed only when the reference report sums to at least this over the period:
#: on tiny flows whole-dollar rounding and single shipments dominate the gap.
MIN_GAP_REFERENCE_USD = 50_000.0


def gap(reference: float, other: float, min_reference: float = MIN_GAP_REFERENCE_USD) -> float:
    """(reference - other) / reference: the share of the reference report the other side misses
    (NaN below `min_reference`)."""
    return (reference - other) / reference if reference >= max(min_reference, 1e-9) else float("nan")


@dataclass(frozen=True)
class MirrorSignal:
    """Leg 1: coalition-reported exports to the hub vs the hub's reported imports from the coalition;
    leg 2: the target's reported imports from the hub vs the hub's reported exports to the target."""

    leg1_pre: float
    leg1_post: float
    leg2_pre: float
    leg2_post: float
    rise: float  # the larger rise of the two legs
    score: float


def mirror_signal(leg1_pre: float, leg1_post: float, leg2_pre: float, leg2_post: float) -> MirrorSignal:
    """Each leg's gap is measured against its own pre-period level, which absorbs the steady CIF/FOB
    margin and reporting habits of the pair; `score = clip(max(rise1, rise2) / 0.2, 0, 1)`."""
    rises = [
        post - pre
        for pre, post in ((leg1_pre, leg1_post), (leg2_pre, leg2_post))
        if math.isfinite(pre) and math.isfinite(post)
    ]
    rise = max(rises) if rises else float("nan")
    return MirrorSignal(leg1_pre, leg1_post, leg2_pre, leg2_post, rise, _clip01(rise / GAP_RISE_FULL))


@dataclass(frozen=True)
class UnitValueSignal:
    """Unit value (USD/kg) of the hub's exports to the target relative to what the hub paid for the
    code from the coalition, after vs before the control. NaN (no score) without quantities."""

    log_rel_pre: float
    log_rel_post: float
    change: float
    score: float

    @property
    def available(self) -> bool:
        return math.isfinite(self.change)


def unit_value_signal(
    out_pre: tuple[float, float],
    in_pre: tuple[float, float],
    out_post: tuple[float, float],
    in_post: tuple[float, float],
) -> UnitValueSignal:
    """Arguments are (value_usd, kg) sums over flows that report both. `log_rel = ln(uv_out / uv_in)`;
    `change = log_rel_post - log_rel_pre`; `score = clip((|change| - 0.2) / 0.8, 0, 1)`: both under-
    and over-valuation count (mis-declared goods, transfer pricing)."""

    def uv(v_kg: tuple[float, float]) -> float:
        v, kg = v_kg
        return v / kg if v > 0 and kg > 0 else float("nan")

    pre = math.log(uv(out_pre) / uv(in_pre)) if all(map(math.isfinite, (uv(out_pre), uv(in_pre)))) else float("nan")
    post = (
        math.log(uv(out_post) / uv(in_post)) if all(map(math.isfinite, (uv(out_post), uv(in_post)))) else float("nan")
    )
    change = post - pre
    score = _clip01((abs(change) - UV_DEADBAND) / (UV_FULL - UV_DEADBAND)) if math.isfinite(change) else float("nan")
    return UnitValueSignal(pre, post, change, score)


#: Default weights of the combined score (shown with every ranking; overridable).
DEFAULT_WEIGHTS: dict[str, float] = {"growth": 0.35, "reexport": 0.30, "mirror": 0.20, "unit_value": 0.15}


def combine(scores: dict[str, float], weights: dict[str, float]) -> float:
    """Weighted mean of the available scores (NaN = not available: its weight is left out and the rest
    renormalised, so a code without quantities is not penalised or favoured)."""
    num = den = 0.0
    for name, w in weights.items():
        s = scores.get(name, float("nan"))
        if w > 0 and math.isfinite(s):
            num += w * s
            den += w
    return num / den if den > 0 else 0.0
