import pandas as pd

from dashboard.logic.package_inputs import FormValues, check_form, parse_item_list, with_ally_positions

ITEMS = pd.DataFrame(
    {
        "eccn": ["2B991", "3A991", "4A994", "3A090", "2B001-rest"],
        "tier": ["legacy", "legacy", "legacy", "foundational", "legacy"],
    }
)


def _form(**kw):
    base = dict(partner="CHN", year=2024, target_bn=2.5, objective="min-risk", min_fa=0.3, modes=["lift"])
    return FormValues(**(base | kw))


def test_item_lists_accept_commas_spaces_semicolons_and_lower_case():
    assert parse_item_list("2b991, 3A991;4a994  2B991") == ["2B991", "3A991", "4A994"]
    assert parse_item_list("2b001-rest") == ["2B001-rest"] and parse_item_list(None) == []


def test_a_valid_form_becomes_a_scenario_in_us_dollars():
    c = check_form(_form(max_items="12", caps={"3": 2, "4": ""}, locks="4a994"), ITEMS)
    assert c.ok and c.problems == {}
    s = c.scenario
    assert s.target_usd == 2.5e9 and s.max_items == 12 and s.locks == ("4A994",)
    assert s.category_caps["3"].max_items == 2 and "4" not in s.category_caps
    assert s.partner == "CHN" and s.year == 2024 and s.min_fa == 0.3


def test_negative_or_missing_target_is_an_inline_message():
    assert "cannot be negative" in check_form(_form(target_bn=-1), ITEMS).problems["target"]
    assert "Enter a target" in check_form(_form(target_bn=None), ITEMS).problems["target"]
    assert "must be a number" in check_form(_form(target_bn="lots"), ITEMS).problems["target"]


def test_unknown_eccn_gets_a_suggestion_and_foundational_cannot_be_forced():
    c = check_form(_form(locks="2B99l", forced="3A090"), ITEMS)
    assert not c.ok
    assert c.problems["locks"] == "unknown ECCN 2B99L (did you mean 2B991?)."
    assert "3A090 is foundational" in c.problems["forced"]
    assert "both locked and forced" in check_form(_form(locks="2B991", forced="2B991"), ITEMS).problems["forced"]


def test_other_fields_are_checked_each_with_its_own_message():
    p = check_form(
        _form(
            max_items="0",
            caps={"5": "-1"},
            modes=[],
            objective="max-value",
            ally_oppose={"JPN": "9Z999"},
            ally_policy="penalty",
            ally_penalty="x",
        ),
        ITEMS,
    ).problems
    assert set(p) == {"max_items", "caps", "modes", "risk_budget", "ally_JPN", "ally_penalty"}
    assert p["caps"].startswith("Category cap(s) 5")


def test_ally_oppositions_become_position_columns_and_scenario_allies():
    c = check_form(_form(ally_oppose={"JPN": "2B991", "GBR": ""}), ITEMS)
    assert c.ok and c.positions == {"JPN": ("2B991",)} and c.scenario.allies == ("JPN",)
    table = with_ally_positions(ITEMS, c.positions)
    assert list(table["ally_JPN"]) == ["oppose", "neutral", "neutral", "neutral", "neutral"]
    ignored = check_form(_form(ally_oppose={"JPN": "2B991"}, ally_policy="ignore"), ITEMS)
    assert ignored.scenario.allies == ()
    penalised = check_form(_form(ally_oppose={"JPN": "2B991"}, ally_policy="penalty", ally_penalty=0.4), ITEMS)
    assert penalised.scenario.allow_opposed and penalised.scenario.ally_penalty == 0.4


def test_bis_alone_switch_reaches_the_scenario():
    checked = check_form(_form(bis_alone=True), ITEMS)
    assert checked.ok and checked.scenario.bis_alone is True
    assert check_form(_form(), ITEMS).scenario.bis_alone is False
