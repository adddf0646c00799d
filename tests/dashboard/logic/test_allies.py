"""Allies page logic: panels from the trade table, positions per item and group, the coalition view."""

import pytest
from plotly.io.json import to_json_plotly

from dashboard.logic import allies
from dashboard.logic.items import check_year
from dashboard.state import item_table
from optimizer.errors import DecontrolError


def _text(components) -> str:
    """The JSON Dash would send for these components."""
    return to_json_plotly(components)


def test_ally_panel_reads_regimes_and_exports_and_labels_the_proxy(shipped_ds):
    year = check_year(shipped_ds, None)
    p = allies.ally_panel(shipped_ds, "JPN", "CHN", year)
    assert {"WA", "MTCR", "NSG", "AG"} <= set(p["regimes"]) and p["regimes_as_of"]
    t = shipped_ds.trade
    world = t[(t.year == year) & (t.exporter == "JPN") & (t.importer == "WLD")]["value_usd"].sum()
    assert p["world_exports_usd"] == pytest.approx(world)
    bilateral = t[(t.year == year) & (t.exporter == "JPN") & (t.importer == "CHN")]
    if len(bilateral):
        assert p["exports_to_partner_usd"] == pytest.approx(bilateral["value_usd"].sum())
    else:  # the shipped synthetic layer: the coalition model's proxy, said as such
        assert "proxy" in p["basis"] and 0 < p["exports_to_partner_usd"] < p["world_exports_usd"]
    assert p["synthetic"] == bool(shipped_ds.trade_synthetic)


def test_positions_take_items_ecnns_with_sub_items_and_groups_later_lines_win():
    ids_ = ["2B001", "2B001-rest", "3A991", "3B991", "3B992", "4A994"]
    got = allies.parse_positions("JPN 3B* oppose\nJPN 3b991 support\n\nnld 2B001 Support", ids_, ["JPN", "NLD"])
    assert got == {"JPN": {"3B991": "support", "3B992": "oppose"}, "NLD": {"2B001": "support", "2B001-rest": "support"}}
    assert allies.position_counts(got, "JPN") == {"support": 1, "oppose": 1}
    with pytest.raises(DecontrolError) as err:
        allies.parse_positions(
            "JPN 9Z999 oppose\nKOR 3A991 oppose\nJPN 3A991 maybe\nnonsense\nJPN 7* oppose", ids_, ["JPN"]
        )
    details = "\n".join(err.value.details)
    assert len(err.value.details) == 5
    assert "9Z999" in details and "KOR" in details and "maybe" in details and "7*" in details


def test_panels_view_one_card_per_ally_with_provenance(shipped_ds):
    text = _text(allies.panels_view(shipped_ds, "CHN", ["GBR", "KOR"], {"KOR": {"3A991": "oppose"}}))
    assert text.count('"type":"Card"') == 2 and "SYNTHETIC" in text and "1 opposed" in text
    assert "Choose at least one ally" in _text(allies.panels_view(shipped_ds, "CHN", []))


def test_coalition_view_and_an_opposed_group_leaves_the_coalition_package(shipped_ds):
    ids_ = item_table(shipped_ds, "CHN")["eccn"]
    base = allies.run_coalition(shipped_ds, ids_, "CHN", ["GBR", "JPN"], 5, "")
    chosen = [i["eccn"] for i in base["coalition"]["items"]]
    assert base["status"] in ("optimal", "feasible") and chosen
    text = _text(allies.coalition_view(base))
    assert "Coalition package" in text and "US-only package" in text and "JPN" in text and "SYNTHETIC" in text
    group = chosen[0][:2] + "*"
    after = allies.run_coalition(shipped_ds, ids_, "CHN", ["GBR", "JPN"], 5, f"JPN {group} oppose")
    assert not [i["eccn"] for i in after["coalition"]["items"] if i["eccn"].startswith(group[:-1])]


@pytest.mark.parametrize(
    "budget, members, positions, message",
    [
        (None, ["JPN"], "", "risk budget"),
        (-1, ["JPN"], "", "negative"),
        (1, [], "", "at least one ally"),
        (1, ["JPN"], "JPN 9Z999 oppose", "positions"),
    ],
)
def test_bad_coalition_input_is_a_message(shipped_ds, budget, members, positions, message):
    with pytest.raises(DecontrolError, match=message):
        allies.run_coalition(shipped_ds, ["3A991"], "CHN", members, budget, positions)


def test_builder_form_carries_oppositions_of_the_builders_allies():
    form = allies.builder_form(
        "CHN", 2024, {"JPN": {"3A991": "oppose", "3B991": "support"}, "NLD": {"2B991": "oppose"}}, 0.3
    )
    from optimizer.data.schema import ALLIES

    oppose = dict(zip(ALLIES, form["ally_oppose"]))
    assert oppose["JPN"] == "3A991" and oppose["NLD"] == "2B991" and oppose["GBR"] == ""
    assert form["partner"] == "CHN" and form["year"] == 2024 and form["target_bn"] == pytest.approx(0.3)
    assert form["ally_policy"] == "exclude"


def test_the_hand_off_and_the_coalition_use_the_builders_fa_threshold_and_say_it(shipped_ds):
    """The Allies -> builder hand-off moved the slider to 0 without a word; the coalition ran at 0."""
    from optimizer.model.scenario import DEFAULT_MIN_FA

    form = allies.builder_form("CHN", 2024, {"JPN": {"3A991": "oppose"}}, 0.005)
    assert form["min_fa"] == DEFAULT_MIN_FA
    result = allies.run_coalition(shipped_ds, item_table(shipped_ds, "CHN")["eccn"], "CHN", ["JPN"], 2, "")
    assert result["scenario"]["min_fa"] == DEFAULT_MIN_FA
    assert f"foreign-availability threshold {DEFAULT_MIN_FA:.2f}" in str(allies.coalition_view(result))
