"""The comparison's input diff and chosen-package points, on hand-made saved records."""

from dataclasses import dataclass, field

from dashboard.logic import compare, scenarios_page


@dataclass
class Rec:
    name: str
    inputs: dict
    results: dict = field(default_factory=dict)


def _rec(name, positions=None, **scenario):
    return Rec(name, {"scenario": {"partner": "CHN", **scenario}, "ally_positions": positions or {}})


def test_only_the_inputs_that_differ_are_listed_in_form_order():
    a = _rec("a", target_usd=5e6, min_fa=0.5, locks=["2B001"])
    b = _rec("b", target_usd=2e9, min_fa=0.5, locks=[], positions={"JPN": {"3A001": "oppose", "4A994": "support"}})
    rows = compare.input_diff([a, b])
    assert [r["key"] for r in rows] == ["target_usd", "locks", "ally_positions"]
    assert rows[0]["values"] == ["$5.0m", "$2.0bn"]
    assert rows[1]["values"] == ["2B001", "none"]
    assert rows[2]["values"] == ["none", "JPN: 3A001"]


def test_defaults_fill_inputs_saved_before_they_existed_and_same_inputs_give_no_row():
    a = _rec("a", target_usd=5e6)
    b = _rec("b", target_usd=5e6, min_fa=0.5, coherence=True)  # the defaults, spelled out
    assert compare.input_diff([a, b]) == []


def test_allies_see_only_the_shared_inputs():
    a = _rec("a", target_usd=5e6, risk_budget=3.0, objective="min-risk")
    b = _rec("b", target_usd=6e6, risk_budget=None, objective="max-value")
    assert [r["key"] for r in compare.input_diff([a, b], "ally")] == ["target_usd"]
    assert {r["key"] for r in compare.input_diff([a, b])} >= {"target_usd", "risk_budget", "objective"}


def test_the_table_highlights_values_that_differ_from_the_first():
    rows = [{"key": "target_usd", "label": "Target", "values": ["$5.0m", "$5.0m", "$2.0bn"]}]
    table = scenarios_page.inputs_table(["a", "b", "c"], rows).children[1]
    cells = table.children[1].children[0].children[1:]
    assert [("input-differs" in (c.className or "")) for c in cells] == [False, False, True]
    assert "share every input" in str(scenarios_page.inputs_table(["a", "b"], []).to_plotly_json())


def test_chosen_points_carry_risk_only_internally():
    recs = [Rec("a", {}, {"achieved_usd": 5e6, "risk": 1.5, "items": [{"eccn": "X"}]}), Rec("b", {}, {})]
    assert compare.chosen_points(recs) == {"a": {"achieved_usd": 5e6, "n_items": 1, "risk": 1.5}}
    assert compare.chosen_points(recs, "ally") == {"a": {"achieved_usd": 5e6, "n_items": 1}}
