"""On the shipped data, for every focus partner: no package, frontier point or alternative holds an
item that is rule-foundational or needs no licence to the partner (`nlr`), whatever the scenario;
the `--partner` path of the CLI; determinism of the frontier. Targets are shares of what each
partner's table can achieve, read at run time (the concession space differs by destination)."""

from __future__ import annotations

import json

import pytest

from optimizer.data.schema import PARTNERS
from optimizer.model import Scenario, compute_frontier, find_alternatives, solve_package


@pytest.fixture(scope="module")
def tables():
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table

    ds = load_dataset(None)
    return {p: build_item_table(ds, p) for p in PARTNERS}


def _achievable(table) -> float:
    res = solve_package(table, Scenario.from_dict({"objective": "max-value", "target_usd": 0}))
    return float(res.achieved_usd or 0.0)


SCENARIOS = [
    {"share": 0.5},
    {"share": 0.8, "modes": ["lift", "exception", "approval"], "objective": "min-items"},
    {"share": 0.0, "objective": "max-value", "risk_budget": 2.0, "modes": ["lift", "exception"]},
    {"share": 0.3, "min_fa": 0.6, "max_items": 5, "category_caps": {"3": {"max_value_share": 0.5}}},
]


def _never(table) -> set[str]:
    return set(table.loc[(table["tier"] == "nlr") | table["tier_floor"].astype(bool), "eccn"])


@pytest.mark.parametrize("partner", PARTNERS)
@pytest.mark.parametrize("d", SCENARIOS)
def test_no_nlr_or_rule_foundational_item_anywhere(tables, partner, d):
    table = tables[partner]
    never = _never(table)
    assert never  # every partner has rule-foundational or nlr items
    d = dict(d)
    share = d.pop("share")
    sc = Scenario.from_dict(d | {"target_usd": round(share * _achievable(table), 2)})
    res = solve_package(table, sc)
    assert not never & set(res.choices())
    assert {e.eccn for e in res.excluded if e.reason == "nlr"} == set(table.loc[table["tier"] == "nlr", "eccn"])
    if res.found:
        for alt in find_alternatives(table, sc, n=3, tolerance=0.2, base=res):
            assert not never & set(alt.choices())


@pytest.mark.parametrize("partner", ["CHN", "JPN"])
def test_frontier_has_no_nlr_or_foundational_item_and_is_deterministic(tables, partner):
    table = tables[partner]
    never = _never(table) | set(table.loc[table["tier"] == "foundational", "eccn"])
    sc = Scenario.from_dict({"modes": ["lift", "exception", "approval", "meu_removal"]})
    fr = compute_frontier(table, sc, points=30)
    for p in fr.points:
        assert not never & {line["eccn"] for line in p.items}
    again = compute_frontier(table, sc, points=30)
    assert [(p.target_usd, p.achieved_usd, p.risk, p.items) for p in fr.points] == [
        (p.target_usd, p.achieved_usd, p.risk, p.items) for p in again.points
    ]


def test_cli_partner_path(cli, tables):
    target = f"{round(0.5 * _achievable(tables['CHN']) / 1e6)}m"
    code, out, err = cli("optimize", "--partner", "CHN", "--target", target, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["status"] == "optimal" and d["synthetic"] is True and d["partner"] == "CHN"
    assert d["items"] and all(line["tier"] not in ("foundational", "nlr") for line in d["items"])
    assert all(
        line["licence_required"] in ("all", "some", "end_use_only") and line["licence_basis"] for line in d["items"]
    )
    code, out, err = cli("optimize", "--partner", "XXX", "--target", "2bn")
    assert code == 2 and "unknown partner" in err
