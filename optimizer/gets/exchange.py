"""The two-sided package: what the US gives (decontrol) and what it asks (relief of partner measures).

Built on the package model of `optimizer.model` (`build_model`: every screen and row of a decontrol
package still holds: foundational and `nlr` items never enter, locks, forced items, the FA
threshold, allies' positions, caps, the risk budget, coherence, nesting), with two constraint
families of its own, one function each (as the package model's `define_*`):

- `define_gets`: y[m, r] binary for each of the partner's measures m and relief r it allows (`lift`,
  `suspend` for a period, `general_licence` to US end users), at most one per measure. A measure in
  force allows all three; a suspension that lapses within the horizon allows `suspend` (extend it);
  a measure with no measurable US exposure (no HS codes) allows none and is listed as such.
- `define_balance`: the partner's gain is at least `balance_share` x the US gain (and at most
  `balance_upper` x it, when a band is set).
- `define_fair_split` (objective `fair`, instead of the balance): z <= the US net gain and z <= the
  partner's gain, maximising z, the max-min split of the coalition mode applied to the two sides
  (ties between packages of the same z go to the larger US net gain).

Objective: maximise the US net gain = sum of the gets' values - `risk_price_usd` x the security risk
of the gives (the risk index of the package model, US$ per risk point: a stated price, not a fact;
default $10m: a chart-bound NS2 candidate for China carries 0.1-0.2 points for $1-3m a year of
exports, so at $100m a point no give is worth the gets it balances and the exchange is always empty).
The partner's gain is the value of the gives (US exports unlocked, from the destination-aware item
table: licence-bound value). A get's value = US imports from the partner in the measure's codes
(`exposure.gets_table`) x `supply_premium` (the share of the import value at risk that relief
secures: a stated assumption) x the relief's share (lift 1, suspend 0.5, general licence 0.3).
Units inside the model are US$ millions, like the package model.

Solved with HiGHS through PuLP's own interface (the model has binaries of its own next to the
package options); the status is read from the solver.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import pulp

from optimizer.errors import DecontrolError
from optimizer.model.build import VALUE_UNIT, PackageModel, build_model
from optimizer.model.highs import HIGHS_OPTIONS, new_highs
from optimizer.model.items import validate_items
from optimizer.model.results import read_choices
from optimizer.model.scenario import Scenario
from optimizer.vocabulary import Status

GET_MODES: tuple[str, ...] = ("lift", "suspend", "general_licence")
DEFAULT_GET_SHARES: dict[str, float] = {"lift": 1.0, "suspend": 0.5, "general_licence": 0.3}
GE, LE = pulp.LpConstraintGE, pulp.LpConstraintLE
#: The exchange's objectives: the US net gain under the balance rows, or the max-min split of gains.
OBJECTIVES: tuple[str, ...] = ("net_gain", "fair")
#: Weight of the US net gain as a tie-break under the fair objective (US$ millions per US$ million of z).
FAIR_TIE_BREAK = 1e-4


@dataclass(frozen=True)
class ExchangeSettings:
    """The exchange's own assumptions (documented defaults, editable)."""

    balance_share: float = 1.0  # partner gain >= share x US gain
    balance_upper: float | None = None  # partner gain <= upper x US gain (a band), or no upper bound
    risk_price_usd: float = 10e6  # US$ per risk point of the gives (see the module docstring)
    supply_premium: float = 0.25  # share of the imports at risk that relief secures
    get_shares: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_GET_SHARES))
    objective: str = "net_gain"  # "net_gain" under the balance condition, or "fair": the max-min split

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise DecontrolError(f"exchange objective {self.objective!r}: expected {' or '.join(OBJECTIVES)}")
        for name in ("balance_share", "risk_price_usd", "supply_premium"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise DecontrolError(f"exchange setting '{name}' must be a number >= 0, got {v!r}")
        if self.balance_upper is not None and (
            not math.isfinite(self.balance_upper) or self.balance_upper < self.balance_share
        ):
            raise DecontrolError(
                f"exchange setting 'balance_upper' ({self.balance_upper}) must be at least "
                f"balance_share ({self.balance_share})"
            )
        bad = [k for k in self.get_shares if k not in GET_MODES]
        if bad:
            raise DecontrolError(f"unknown relief of a partner measure '{bad[0]}': expected {', '.join(GET_MODES)}")
        for k, v in self.get_shares.items():
            if not 0 <= v <= 1:
                raise DecontrolError(f"exchange setting 'get_shares.{k}' must be between 0 and 1, got {v!r}")


def get_options(gets: pd.DataFrame, settings: ExchangeSettings) -> dict[tuple[str, str], float]:
    """{(measure, relief): value in US$} of every get the partner's measures allow (see the module)."""
    out: dict[tuple[str, str], float] = {}
    for r in gets.to_dict(orient="records"):
        imports = r.get("us_imports_from_partner_usd")
        if imports is None or (isinstance(imports, float) and math.isnan(imports)) or imports <= 0:
            continue
        if r.get("status") == "in_force":
            modes = [m for m in GET_MODES if m in settings.get_shares]
        elif r.get("status") == "suspended" and "lapses" in str(r.get("lapse_flag", "")):
            modes = ["suspend"] if "suspend" in settings.get_shares else []
        else:
            modes = []
        for mode in modes:
            out[(str(r["measure_id"]), mode)] = float(imports) * settings.supply_premium * settings.get_shares[mode]
    return out


@dataclass
class ExchangeModel:
    """The package model with the gets and the balance rows on top."""

    m: PackageModel
    y: dict[tuple[str, str], pulp.LpVariable]
    get_value: dict[tuple[str, str], float]  # US$
    settings: ExchangeSettings


def define_gets(m: PackageModel, options: dict[tuple[str, str], float]) -> dict[tuple[str, str], pulp.LpVariable]:
    """y[measure, relief] binaries, at most one relief per measure."""
    y = {o: m.prob.add_variable(f"get_{k}", 0, 1, cat=pulp.LpBinary) for k, o in enumerate(sorted(options))}
    by_measure: dict[str, list[pulp.LpVariable]] = {}
    for (measure, _), var in y.items():
        by_measure.setdefault(measure, []).append(var)
    for k, (measure, vars_) in enumerate(sorted(by_measure.items())):
        if len(vars_) > 1:
            m.add_row(
                "get_choice",
                f"get_choice_{k}",
                pulp.LpConstraint(pulp.lpSum(vars_), LE, rhs=1),
                f"one relief of {measure} at most",
            )
    return y


def us_gain_expr(
    y: dict[tuple[str, str], pulp.LpVariable], value: dict[tuple[str, str], float]
) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression({var: value[o] / VALUE_UNIT for o, var in y.items() if value[o]})


def define_balance(
    m: PackageModel,
    y: dict[tuple[str, str], pulp.LpVariable],
    value: dict[tuple[str, str], float],
    settings: ExchangeSettings,
) -> None:
    """partner gain - share x US gain >= 0 (and <= 0 with the upper share of a band)."""
    partner, us = m.value_expr(), us_gain_expr(y, value)
    m.add_row(
        "balance",
        "balance_lower",
        pulp.LpConstraint(partner - settings.balance_share * us, GE, rhs=0),
        f"the partner's gain is at least {settings.balance_share:g} x the US gain",
    )
    if settings.balance_upper is not None:
        m.add_row(
            "balance",
            "balance_upper",
            pulp.LpConstraint(partner - settings.balance_upper * us, LE, rhs=0),
            f"the partner's gain is at most {settings.balance_upper:g} x the US gain",
        )


def define_fair_split(m: PackageModel, net_gain: pulp.LpAffineExpression) -> pulp.LpVariable:
    """z <= US net gain and z <= partner gain; returns z (free: a net gain can be negative)."""
    z = m.prob.add_variable("fair_split", None, None)
    m.add_row("fair_split", "fair_us", pulp.LpConstraint(z - net_gain, LE, rhs=0), "z at most the US net gain")
    m.add_row(
        "fair_split", "fair_partner", pulp.LpConstraint(z - m.value_expr(), LE, rhs=0), "z at most the partner's gain"
    )
    return z


def build_exchange(
    items: pd.DataFrame, scenario: Scenario, options: dict[tuple[str, str], float], settings: ExchangeSettings
) -> ExchangeModel:
    table, _ = validate_items(items, partner=scenario.partner if "partner" in items.columns else None)
    sc = scenario.replace(target_usd=0.0, objective="max-value", solver="highs")
    m = build_model(table, sc, objective="max-value")
    y = define_gets(m, options)
    price = settings.risk_price_usd / VALUE_UNIT
    net_gain = us_gain_expr(y, options) - price * m.risk_expr()
    if settings.objective == "fair":
        objective = define_fair_split(m, net_gain) + FAIR_TIE_BREAK * net_gain
    else:
        define_balance(m, y, options, settings)
        objective = net_gain
    m.prob.sense = pulp.LpMaximize
    m.prob.setObjective(objective)
    return ExchangeModel(m, y, options, settings)


@dataclass
class ExchangeResult:
    """Gives, gets and the balance of one two-sided package."""

    status: str
    gives: list[dict[str, Any]]
    gets: list[dict[str, Any]]
    us_gain_usd: float | None
    partner_gain_usd: float | None
    risk: float | None
    us_net_gain_usd: float | None
    settings: dict[str, Any]
    excluded_gets: list[str]
    synthetic: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def solve_exchange(
    items: pd.DataFrame, gets: pd.DataFrame, scenario: Scenario, settings: ExchangeSettings | None = None
) -> ExchangeResult:
    """The two-sided package maximising the US net gain under the balance condition."""
    settings = settings or ExchangeSettings()
    options = get_options(gets, settings)
    em = build_exchange(items, scenario, options, settings)
    return _read(em, gets, _solve(em), items)


@dataclass(frozen=True)
class _Outcome:
    status: str
    has_solution: bool


def _solve(em: ExchangeModel) -> _Outcome:
    """Solve with HiGHS through PuLP's own interface (the model holds binaries beyond the package
    options, which the package solver paths do not write); the status is read from the solver:
    `optimal` only when HiGHS proved it within the scenario's gap."""
    sc = em.m.scenario
    if not em.m.x and not em.y:
        return _Outcome(Status.OPTIMAL, True)  # nothing to choose: the empty exchange
    new_highs()  # HiGHS's banner goes to /dev/null once, not into the CLI's JSON on stdout
    # The thread count is fixed process-wide by the first HiGHS run: the package model's, so that a
    # package solved after an exchange in the same process (the dashboard, a briefing) still runs.
    solver = pulp.HiGHS(msg=False, timeLimit=sc.time_limit_s, gapRel=sc.rel_gap, threads=HIGHS_OPTIONS["threads"])
    em.m.prob.solve(solver)
    status = pulp.LpStatus.get(em.m.prob.status, "Undefined")
    found = em.m.prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    if status == "Optimal" and em.m.prob.sol_status == pulp.LpSolutionOptimal:
        return _Outcome(Status.OPTIMAL, True)
    if status == "Infeasible":
        return _Outcome(Status.INFEASIBLE, False)
    return _Outcome(Status.FEASIBLE if found else Status.TIME_LIMIT, found)


def _read(em: ExchangeModel, gets: pd.DataFrame, out: Any, items: pd.DataFrame) -> ExchangeResult:
    m = em.m
    measured = {o[0] for o in em.get_value}
    excluded = sorted(set(gets["measure_id"].astype(str)) - measured)
    synthetic = bool(items["synthetic"].any()) if "synthetic" in items.columns else False
    base: dict[str, Any] = dict(settings=asdict(em.settings), excluded_gets=excluded, synthetic=synthetic)
    if not out.has_solution:
        return ExchangeResult(out.status, [], [], None, None, None, None, **base)
    choices = read_choices(m) if m.x else {}
    gives: list[dict[str, Any]] = [
        {
            "eccn": i,
            "instrument": mode,
            "value_usd": round(m.value[(i, mode)] * VALUE_UNIT, 2),
            "risk": m.risk[(i, mode)],
        }
        for i, mode in choices.items()
    ]
    chosen = [o for o, var in em.y.items() if (var.varValue or 0) > 0.5]
    info = gets.set_index("measure_id")
    got: list[dict[str, Any]] = [
        {
            "measure_id": g,
            "relief": r,
            "value_usd": round(em.get_value[(g, r)], 2),
            "item_group": str(info.at[g, "item_group"]) if g in info.index else "",
        }
        for g, r in sorted(chosen)
    ]
    us = sum(x["value_usd"] for x in got)
    partner = sum(x["value_usd"] for x in gives)
    risk = sum(x["risk"] for x in gives) + sum(m.penalty.get(i, 0.0) for i in choices)
    net = us - em.settings.risk_price_usd * risk
    return ExchangeResult(
        out.status, gives, got, round(us, 2), round(partner, 2), round(risk, 6), round(net, 2), **base
    )


def balance_frontier(
    items: pd.DataFrame,
    gets: pd.DataFrame,
    scenario: Scenario,
    shares: list[float],
    settings: ExchangeSettings | None = None,
) -> list[dict[str, Any]]:
    """US net gain against the balance share (the partner's gain as a multiple of the US gain)."""
    settings = settings or ExchangeSettings()
    points = []
    for s in shares:
        res = solve_exchange(
            items, gets, scenario, ExchangeSettings(**(asdict(settings) | {"balance_share": s, "balance_upper": None}))
        )
        points.append(
            {
                "balance_share": s,
                "status": res.status,
                "us_net_gain_usd": res.us_net_gain_usd,
                "us_gain_usd": res.us_gain_usd,
                "partner_gain_usd": res.partner_gain_usd,
                "n_gives": len(res.gives),
                "n_gets": len(res.gets),
            }
        )
    return points


__all__ = [
    "DEFAULT_GET_SHARES",
    "ExchangeResult",
    "ExchangeSettings",
    "GET_MODES",
    "balance_frontier",
    "build_exchange",
    "define_balance",
    "define_gets",
    "get_options",
    "solve_exchange",
]
