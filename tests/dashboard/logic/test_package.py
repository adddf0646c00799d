import pytest
from dash import no_update

from dashboard.logic import package
from dashboard.logic.package_inputs import FormValues
from dashboard.theme import fmt_usd


def _values(**kw):
    base = dict(
        partner="CHN",
        year=None,
        target_bn=0.005,
        objective="min-risk",
        min_fa=0.5,
        modes=["lift", "exception", "approval", "meu_removal"],
    )
    return FormValues(**(base | kw))


@pytest.fixture(scope="module")
def result(shipped_ds):
    steps = []
    out = package.run(shipped_ds, _values(), lambda pct, text: steps.append((pct, text)))
    out["_steps"] = steps
    return out


def test_a_run_solves_package_frontier_and_alternatives_with_progress(result):
    assert result["ok"] and result["partner"] == "CHN" and result["year"] == 2024
    pkg = result["package"]
    assert pkg["status"] == "optimal" and pkg["achieved_usd"] >= 5e6
    assert all(line["tier"] not in ("foundational", "nlr") and line["licence_basis"] for line in pkg["items"])
    assert len(result["frontier"]["points"]) == package.FRONTIER_POINTS
    assert all("excluded" not in a for a in result["alternatives"])  # slimmed for the browser store
    assert [p for p, _ in result["_steps"]] == [10, 70, 100]
    assert result["synthetic"] is True


def test_the_package_comes_first_and_its_frontier_is_merged_only_into_its_own_run(shipped_ds):
    first = package.run_package(shipped_ds, _values())
    assert first["package"]["status"] == "optimal" and first["frontier"] is None and first["alternatives"] is None
    fig = package.frontier_view(first, None)
    assert fig.layout.meta["empty"] and "traced after the package" in fig.layout.annotations[0].text
    assert "Searched after the frontier" in str(package.alternatives_view(first, None))
    extras = package.run_extras(shipped_ds, first, frontier_points=3, alternatives=1)
    merged = package.merge(first, extras)
    assert len(merged["frontier"]["points"]) == 3 and set(merged["seconds"]) == {"package", "frontier", "alternatives"}
    later = package.run_package(shipped_ds, _values(target_bn=0.006))
    assert package.merge(later, extras) is later  # an older run's frontier never decorates a newer package
    assert package.merge(None, extras) is None


def test_an_invalid_form_solves_nothing(shipped_ds):
    out = package.run(shipped_ds, _values(target_bn=-1, locks="2B99X"))
    assert out == {"ok": False, "problems": out["problems"]}
    assert set(out["problems"]) == {"target", "locks"}


def test_validation_view_gives_each_field_its_message(shipped_ds):
    fields, allies, summary = package.validation_view(shipped_ds, _values(target_bn=-3, ally_oppose={"JPN": "9Z999"}))
    assert "cannot be negative" in fields["target"] and fields["locks"] == ""
    assert allies[list(package_inputs_allies()).index("JPN")].startswith("unknown ECCN 9Z999")
    assert "2 inputs to fix" in str(summary)
    ok_fields, ok_allies, ok_summary = package.validation_view(shipped_ds, _values())
    assert not any(ok_fields.values()) and not any(ok_allies) and ok_summary is None


def package_inputs_allies():
    from optimizer.data.schema import ALLIES

    return ALLIES


def test_views_of_a_run_render_every_area(shipped_ds, result):
    out = package.result_views(shipped_ds, result, {"kind": "main", "index": 0})
    status, use_max_style, label, kpis, fig, table, alts, binding, excluded = out
    assert use_max_style == {"display": "none"}
    assert "Proposed package" in str(status) and "proven optimal" in str(status)
    assert len(kpis) == 4 and "Value unlocked, 2024" in str(kpis[0])
    assert fig.layout.meta["provenance"] == "synthetic"
    assert "Proposed package:" in str(table) and "Foundational control" in str(excluded)
    assert "Binding constraints" in str(binding) and "Alternatives" in str(alts)


def test_nothing_run_yet_is_an_empty_state(shipped_ds):
    status, style, label, kpis, fig, table, alts, binding, excluded = package.result_views(shipped_ds, None, None)
    assert "No package yet" in str(status) and kpis == [] and fig.layout.meta["empty"]


def test_a_frontier_click_loads_that_points_full_package(shipped_ds, result):
    i = 20
    click = {"points": [{"customdata": [i, "$x", "0.1", "3 items"]}]}
    shown = package.shown_from_click(shipped_ds, result, click)
    point = result["frontier"]["points"][i]
    assert shown["kind"] == "frontier" and shown["index"] == i
    assert shown["package"]["target_usd"] == pytest.approx(point["target_usd"])
    assert shown["package"]["achieved_usd"] == pytest.approx(point["achieved_usd"], rel=1e-6)
    assert shown["package"]["excluded"]  # a full package, with reasons
    pkg, label = package.shown_package(result, shown)
    assert label.startswith("Frontier package for a $")
    assert package.shown_from_click(shipped_ds, result, {"points": [{"x": 1}]}) is no_update


def test_alternative_buttons_switch_the_shown_package(result):
    assert package.shown_from_button({"type": "pkg-show-alt", "index": 1}, [None, 1]) == {
        "kind": "alternative",
        "index": 1,
    }
    assert package.shown_from_button({"type": "pkg-show-alt", "index": -1}, [1]) == {"kind": "main", "index": 0}
    assert package.shown_from_button({"type": "pkg-show-alt", "index": 0}, [None]) is no_update
    if result["alternatives"]:
        pkg, label = package.shown_package(result, {"kind": "alternative", "index": 0})
        assert label == "Alternative 1" and pkg is result["alternatives"][0]


def test_an_infeasible_target_offers_the_largest_achievable_one(shipped_ds):
    out = package.run(shipped_ds, _values(target_bn=500), frontier_points=3, alternatives=0)
    assert out["package"]["status"] == "infeasible"
    best = package.use_max_target_bn(out)
    assert 0 < best * 1e9 <= out["package"]["max_achievable_usd"]
    status, style, label, *_ = package.result_views(shipped_ds, out, None)
    assert style == {} and label.startswith("Use the largest achievable target, $")
    assert "No package reaches $500.0bn" in str(status)
    again = package.run(shipped_ds, _values(target_bn=best), frontier_points=3, alternatives=0)
    assert again["package"]["status"] == "optimal"


def test_side_panel_shows_real_totals_and_the_packages_weight(shipped_ds, result):
    side = str(package.side_trade_view(shipped_ds, "CHN", 2024))
    assert "US trade with China, 2024" in side and "REAL DATA" in side and "SYNTHETIC" in side
    assert package.side_note_view(result).startswith("The proposal unlocks $")
    assert package.side_note_view(None) == ""


def test_a_partner_with_nothing_to_offer_says_so(shipped_ds):
    out = package.run(shipped_ds, _values(partner="JPN", target_bn=0), frontier_points=3, alternatives=0)
    assert out["ok"] and out["package"]["items"] == []
    status, _ = package.status_view(out, None)
    assert "Nothing to offer JPN" in str(status) and "need no licence" in str(status)
    above = package.run(shipped_ds, _values(partner="JPN", target_bn=0.001), frontier_points=3, alternatives=0)
    assert above["package"]["status"] == "infeasible"
    status, style = package.status_view(above, None)
    # above $0 the diagnosis names the cause too: nothing to offer, not a rule to relax
    assert "No package reaches $1.0m" in str(status) and "Nothing to offer: every item is foundational (374)" in str(
        status
    )
    assert "No rule binds" not in str(status)
    assert style == {} and package.use_max_label(above) == "Use the largest achievable target, $0"
    assert package.suggested_target_bn(shipped_ds, "JPN") == 0.0
    assert 0 < package.suggested_target_bn(shipped_ds, "CHN") <= 0.5 * 0.0112


def test_the_diversion_switch_screens_the_package_through_the_core(shipped_ds):
    from dashboard.logic.package_inputs import FormValues
    from optimizer.diversion.exposure import STRONG_SIGNAL

    values = FormValues(partner="CHN", target_bn=0.001, modes=["lift", "exception", "approval"], no_diversion=True)
    result = package.run_package(shipped_ds, values)
    assert result["ok"] and result["scenario"]["max_diversion"] == STRONG_SIGNAL
    off = package.run_package(shipped_ds, FormValues(**{**values.__dict__, "no_diversion": False}))
    assert off["scenario"]["max_diversion"] is None
    table, scenario = package._table_and_scenario(shipped_ds, result)  # the background phase sees the same table
    assert "diversion_score" in table.columns and scenario.max_diversion == STRONG_SIGNAL


def test_cli_and_builder_start_from_one_fa_threshold_and_rank_the_same_eligible_items(shipped_ds, cli, tmp_path):
    """The same request ranked "of 29 eligible items" in the CLI (threshold 0) and fewer in the builder
    (slider 0.5): one default now, shown by both."""
    import json

    from dashboard import ids
    from dashboard.app import create_app
    from optimizer.model.scenario import DEFAULT_MIN_FA

    app = create_app(home=tmp_path, cache_dir=tmp_path / "jobs")
    layout = app.server.test_client().get("/_dash-layout", headers={"Referer": "http://127.0.0.1:8050/package"}).json
    sliders = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == ids.PKG_FA_THRESHOLD:
                sliders.append(node["props"]["value"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(layout)
    assert sliders == [DEFAULT_MIN_FA]
    assert FormValues().min_fa == DEFAULT_MIN_FA

    code, out, err = cli("optimize", "--partner", "CHN", "--target", "5m", "--format", "json")
    assert code == 0, err
    from_cli = json.loads(out)
    built = package.run_package(shipped_ds, _values(min_fa=sliders[0]))
    assert from_cli["scenario"]["min_fa"] == built["scenario"]["min_fa"] == DEFAULT_MIN_FA
    assert [l["why"] for l in from_cli["items"]] == [l["why"] for l in built["package"]["items"]]
    assert "foreign-availability threshold 0.50" in str(package.status_view(built, None)[0])
    code, out, _ = cli("optimize", "--partner", "CHN", "--target", "5m", "--min-fa", "0.2")
    assert "foreign-availability threshold 0.20 (default 0.50" in out


def test_a_cleared_threshold_is_the_default_not_zero(shipped_ds):
    from optimizer.model.scenario import DEFAULT_MIN_FA

    assert package.run_package(shipped_ds, _values(min_fa=None))["scenario"]["min_fa"] == DEFAULT_MIN_FA


def test_the_infeasible_state_agrees_with_itself(shipped_ds):
    """The message said 'at most $6.4m', the button 'Use ... $6.3m', the binding panel 'No constraint
    binds' and three items were 'not needed' for a target no package reaches."""
    import re

    out = package.run_package(shipped_ds, _values(target_bn=0.01))
    assert out["package"]["status"] == "infeasible"
    status, style, label, kpis, _table, binding, excluded, *_ = package.package_views(shipped_ds, out, None, None, True)
    figure = re.search(r"Largest achievable target: (\$[\d.]+[mkbn]+)", str(status)).group(1)
    assert figure == "$6.35m" and label == f"Use the largest achievable target, {figure}"
    assert f"'{figure}'" in str(kpis)
    assert package.use_max_target_bn(out) * 1e9 == pytest.approx(6.35e6)
    assert "Binding rule: the foreign-availability threshold" in str(binding) and "No constraint binds" not in str(
        binding
    )
    reasons = {e["reason"] for e in out["package"]["excluded"]}
    assert "not_needed" not in reasons and "no_value" in reasons
    assert "Adds no concession value" in str(excluded)
    assert "fa_threshold" not in str(status)  # the rule in words, not its internal name


def test_risk_figures_say_their_scale(shipped_ds, result):
    """Risk read '0.80' with no scale; the item panel claimed '0 none – 1 highest' while items reach 2.2."""
    from dashboard.logic import items
    from optimizer.estimation.risk import RISK_SCALE

    kpis = str(package.kpi_view(shipped_ds, result, None))
    assert "risk points (1 = an NS1 entry, no foreign availability)" in kpis
    fig = package.frontier_view(result, None)
    assert "risk points" in fig.layout.yaxis.title.text
    assert any(a.text == RISK_SCALE for a in fig.layout.annotations)
    _, body, _ = items.panel_view(shipped_ds, "5A003", "CHN", 2024)
    assert RISK_SCALE in str(body) and "0 none – 1 highest" not in str(body)


def test_the_side_note_follows_the_package_shown(result):
    """It kept describing the proposal while an alternative or a frontier package was on display."""
    assert package.side_note_view(result).startswith("The proposal unlocks $")
    if result["alternatives"]:
        alt = result["alternatives"][0]
        note = package.side_note_view(result, {"kind": "alternative", "index": 0})
        assert note.startswith("Alternative 1 unlocks ") and fmt_usd(alt["achieved_usd"]) in note
    point = next(p for p in result["frontier"]["points"] if p.get("achieved_usd"))
    note = package.side_note_view(result, {"kind": "frontier", "package": point})
    assert note.startswith("Frontier package for a ") and fmt_usd(point["achieved_usd"]) in note


def test_items_left_out_are_listed_in_full(result):
    """Past 40 per reason the list ended in 'and 531 more' with no way to see them."""
    view = str(package.excluded_view(result, None, limit=5))
    assert all(f"'{e['eccn']}'" in view for e in result["package"]["excluded"])
    assert "more" in view


def test_an_excluded_items_chip_links_to_its_ecfr_text_and_keeps_its_reason_on_hover():
    from dashboard.logic.package import _chip

    chip = _chip({"eccn": "2B001-rest", "detail": "FA below threshold"})
    assert chip.children == "2B001-rest" and chip.title == "FA below threshold"
    assert chip.href.endswith("part-774/appendix-Supplement%20No.%201%20to%20Part%20774#:~:text=2B001")
