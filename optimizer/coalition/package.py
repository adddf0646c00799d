"""Coalition mode end to end: item table and members' values -> both packages -> one result.

`coalition_package(ds, partner, members, scenario)` is what the CLI (`decontrol coalition`) and the
dashboard call. Eligibility, risk and foreign availability come from the US item table for the
partner (the optimizer's seam); each member's unlocked exports come from `values.member_values`.
The scenario's screens and rows (FA threshold, locks, forced items, max items, category caps,
coherence, the risk budget) apply to both packages alike, so the two are comparable; members'
`oppose` positions (`positions={ISO3: {eccn: position}}`) screen items out of the coalition package
only: the US-only package is what the US would relieve alone, and a warning says so and names the
opposed items it includes. A concession target, if the scenario sets one, holds for the US value of both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from optimizer.coalition.model import (
    MODES,
    Solved,
    gains_usd,
    min_relative_gain,
    potentials,
    relative_gains,
    solve_maxmin,
    solve_us_only,
)
from optimizer.coalition.result import CoalitionResult, MemberGain, PackageItem, PackageSide
from optimizer.coalition.values import PROXY_BASIS, US, member_values, wide_values
from optimizer.errors import DecontrolError
from optimizer.estimation import EstimationConfig, attach_ally_positions, build_item_table
from optimizer.model.items import validate_items
from optimizer.model.results import package_result
from optimizer.model.scenario import Scenario

if TYPE_CHECKING:
    from optimizer.data.load import Dataset

COALITION_OBJECTIVE = "max-min relative gain, then max members' total, then min risk"
US_ONLY_OBJECTIVE = "max US value, then min risk"


def coalition_package(
    ds: Dataset,
    partner: str,
    members: list[str] | tuple[str, ...],
    scenario: Scenario,
    *,
    positions: Mapping[str, Mapping[str, str]] | None = None,
    config: EstimationConfig | None = None,
) -> CoalitionResult:
    """The coalition package for `members` (the US is always one) and the US-only package, both
    under `scenario` (its `risk_budget` is required; relief is full relief only).

    DecontrolError for bad input (unknown partner, member or year, a member equal to the partner,
    no risk budget, forced foundational items); an infeasible scenario is a result with status
    `infeasible` (the CLI turns it into exit code 3).
    """
    if scenario.risk_budget is None:
        raise DecontrolError("coalition mode needs a risk budget (--risk-budget): the packages share it")
    from optimizer.diversion.exposure import for_scenario

    table = build_item_table(ds, partner, scenario.year, config)
    partner, year = table.attrs["partner"], int(table.attrs["year"])
    table = for_scenario(ds, table, partner, scenario.max_diversion)
    values = member_values(ds, partner, members, year, config)
    codes: list[str] = values.attrs["members"]
    warnings = list(table.attrs.get("warnings", []))
    stated, ignored = _member_positions(positions or {}, codes)
    if ignored:
        warnings.append(f"positions of {', '.join(ignored)} ignored: only coalition allies' positions count")
    if stated:
        table = attach_ally_positions(table, stated)
    items, more = validate_items(table)
    warnings += more
    sc = scenario.replace(modes=list(MODES), objective="max-value", allies=sorted(stated), partner=partner, year=year)
    wide = wide_values(values)

    co = solve_maxmin(items, wide, sc)
    # the US alone is bound by no ally's opposition: the US-only optimum used to take them silently,
    # which made it no US-only package at all (the comparison then hid what the coalition costs)
    us = solve_us_only(items, sc.replace(allies=[]))
    pots = potentials(wide, co.model.candidates)
    counted = {m: p for m, p in pots.items() if p > 0}
    warnings += co.warnings + [w for w in co.model.warnings if w not in warnings]
    proxied = list(values.attrs["proxied"])
    if proxied:
        warnings.append(
            f"{', '.join(proxied)}: no bilateral rows to {partner} in the trade data, so their "
            f"exports to {partner} are a proxy (world exports x {partner}'s share of world imports, "
            f"{values.attrs['partner_import_share']:.1%}); the proxy cannot see what controls do to "
            "their sales (import BACI data for real bilateral flows)"
        )
    coalition_side = _side("coalition", COALITION_OBJECTIVE, co, wide, counted)
    us_side = _side("US-only", US_ONLY_OBJECTIVE, us, wide, counted)
    if stated:
        warnings.append(us_only_positions_note(us_side.item_ids(), stated))
    basis = _member_basis(values)
    gains = [
        MemberGain(
            member=m,
            potential_usd=round(pots[m], 2),
            coalition_gain_usd=coalition_side.gains_usd.get(m),
            coalition_relative_gain=coalition_side.relative_gains.get(m),
            us_only_gain_usd=us_side.gains_usd.get(m),
            us_only_relative_gain=us_side.relative_gains.get(m),
            in_maxmin=m in counted,
            basis=basis[m],
        )
        for m in codes
    ]
    return CoalitionResult(
        status=coalition_side.status,
        partner=partner,
        year=year,
        members=codes,
        risk_budget=float(scenario.risk_budget),
        coalition=coalition_side,
        us_only=us_side,
        member_gains=gains,
        proxied=proxied,
        partner_import_share=values.attrs["partner_import_share"],
        synthetic=bool(ds.trade_synthetic),
        source=str(ds.trade_source),
        warnings=warnings,
        scenario=sc.to_dict(),
    )


def us_only_positions_note(us_items: list[str], stated: Mapping[str, Mapping[str, str]]) -> str:
    """What the US-only package does with the allies' positions, said next to it: it ignores them,
    and names the items in it that an ally opposes."""
    opposed = {i: sorted(m for m, by in stated.items() if str(by.get(i, "")).lower() == "oppose") for i in us_items}
    listed = [f"{i} (opposed by {', '.join(by)})" for i, by in opposed.items() if by]
    return "the US-only package does not apply the allies' positions (the US acting alone)" + (
        f"; it includes {', '.join(listed)}" if listed else "; it includes no item an ally opposes"
    )


def _side(label: str, objective: str, solved: Solved, wide: pd.DataFrame, counted: dict[str, float]) -> PackageSide:
    res = package_result(solved.model, solved.outcome, solved.choices)
    side = PackageSide(
        label=label,
        objective=objective,
        status=solved.outcome.status,
        solver=solved.outcome.solver,
        gap=solved.outcome.gap,
        seconds=round(solved.outcome.seconds, 3),
        excluded=[{"eccn": e.eccn, "reason": e.reason, "detail": e.detail} for e in res.excluded],
        steps=[s.to_dict() for s in solved.steps],
    )
    if not solved.found:
        return side
    chosen = solved.chosen
    forced = set(solved.model.scenario.forced)
    for line in res.items:
        row = wide.loc[line.eccn]
        vals = {m: (None if pd.isna(v) else round(float(v), 2)) for m, v in row.items()}
        why = line.why if label != "coalition" else _coalition_why(line.eccn, row, counted, forced)
        side.items.append(
            PackageItem(
                eccn=line.eccn,
                heading=line.heading,
                tier=line.tier,
                risk=line.risk,
                fa_score=line.fa_score,
                values_usd=vals,
                total_usd=round(sum(v for v in vals.values() if v is not None), 2),
                why=why,
                mode=line.mode,
                instrument=line.instrument,
                licence_basis=line.licence_basis,
            )
        )
    side.risk_used = round(float(res.risk or 0.0), 6)
    side.gains_usd = {m: round(v, 2) for m, v in gains_usd(chosen, wide).items()}
    side.total_value_usd = round(sum(side.gains_usd.values()), 2)
    rel = relative_gains(chosen, wide, counted)
    side.relative_gains = rel
    side.min_relative_gain = min_relative_gain(rel)
    side.binding_constraints = [
        {"name": b.name, "family": b.family, "detail": b.detail, "slack": b.slack} for b in res.binding_constraints
    ]
    return side


def _coalition_why(item: str, row: pd.Series, counted: dict[str, float], forced: set[str]) -> str:
    """Why an item is in the coalition package, in the analyst's words."""
    if item in forced:
        return "forced by the analyst"
    shares = {m: float(row[m]) / p for m, p in counted.items() if not pd.isna(row[m]) and row[m] > 0}
    if not shares:
        return "adds to no member's gain (kept by a constraint)"
    top = max(shares, key=lambda m: (shares[m], m))
    return f"most for {top}: {shares[top]:.1%} of its potential"


def _member_positions(
    positions: Mapping[str, Mapping[str, str]], members: list[str]
) -> tuple[dict[str, Mapping[str, str]], list[str]]:
    """Positions of coalition allies (not the US, not outsiders), and the codes ignored."""
    stated: dict[str, Mapping[str, str]] = {}
    ignored: list[str] = []
    for code, by_item in positions.items():
        iso = str(code).strip().upper()
        if iso in members and iso != US:
            stated[iso] = by_item
        else:
            ignored.append(iso)
    return stated, ignored


def _member_basis(values: pd.DataFrame) -> dict[str, str]:
    """Per member: how its exports to the partner were read (item table, bilateral rows, proxy)."""
    out: dict[str, str] = {}
    proxied = set(values.attrs.get("proxied", []))
    for m in values.attrs["members"]:
        if m == US:
            out[m] = "item table (US exports to the partner: bilateral rows)"
        elif m in proxied:
            out[m] = f"{PROXY_BASIS} (world exports x the partner's share of world imports)"
        else:
            out[m] = "bilateral rows"
    return out
