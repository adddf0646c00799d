"""On the shipped data: no foundational item ever appears in a package, frontier point or alternative;
the `--partner` path of the CLI; determinism of the frontier."""

from __future__ import annotations

import json

import pytest

from optimizer.model import Scenario, compute_frontier, find_alternatives, solve_package


@pytest.fixture(scope="module")
def chn_items():
    from optimizer.data.load import load_dataset
    from optimizer.estimation import build_item_table
    return build_item_table(load_dataset(None), "CHN")


@pytest.fixture(scope="module")
def foundational(chn_items) -> set[str]:
    return set(chn_items.loc[chn_items["tier"] == "foundational", "eccn"])


SCENARIOS = [
    {"target_usd": 2e9},
    {"target_usd": 4e9, "modes": ["full", "exception", "approval"], "objective": "min-items"},
    {"target_usd": 0, "objective": "max-value", "risk_budget": 2.0, "modes": ["full", "exception"]},
    {"target_usd": 1e9, "min_fa": 0.6, "max_items": 5, "category_caps": {"3": {"max_value_share": 0.5}}},
]


@pytest.mark.parametrize("d", SCENARIOS)
def test_no_foundational_item_anywhere(chn_items, foundational, d):
    assert foundational  # the shipped table does have foundational items
    sc = Scenario.from_dict(d)
    res = solve_package(chn_items, sc)
    assert res.found and res.synthetic is True
    assert not foundational & set(res.choices())
    assert {e.eccn for e in res.excluded if e.reason == "foundational"} == foundational
    for alt in find_alternatives(chn_items, sc, n=3, tolerance=0.2, base=res):
        assert not foundational & set(alt.choices())


def test_frontier_has_no_foundational_item_and_is_deterministic(chn_items, foundational):
    sc = Scenario.from_dict({"modes": ["full", "exception", "approval"]})
    fr = compute_frontier(chn_items, sc, points=30)
    assert len(fr.points) == 30 and all(p.status in ("optimal", "feasible") for p in fr.points)
    for p in fr.points:
        assert not foundational & {l["eccn"] for l in p.items}
    again = compute_frontier(chn_items, sc, points=30)
    assert [(p.target_usd, p.achieved_usd, p.risk, p.items) for p in fr.points] == \
        [(p.target_usd, p.achieved_usd, p.risk, p.items) for p in again.points]


def test_cli_partner_path(cli):
    code, out, err = cli("optimize", "--partner", "CHN", "--target", "2bn", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["status"] == "optimal" and d["synthetic"] is True and d["partner"] == "CHN"
    assert d["items"] and all(l["tier"] != "foundational" for l in d["items"])
    code, out, err = cli("optimize", "--partner", "XXX", "--target", "2bn")
    assert code == 2 and "unknown partner" in err
