import plotly.graph_objects as go
import pytest

from dashboard.figures.common import Provenance, badge_of, empty_figure, with_provenance


def test_badge_is_in_the_figure_with_the_source_on_hover():
    fig = with_provenance(go.Figure(), Provenance("synthetic", "SYNTHETIC HS6 layer " + "word " * 40))
    (badge,) = [a for a in fig.layout.annotations if a.name == "provenance"]
    assert "SYNTHETIC" in badge.text
    assert badge.hovertext.startswith("Source: SYNTHETIC HS6 layer") and "<br>" in badge.hovertext
    assert badge_of(fig) == "synthetic"


def test_combining_inputs_keeps_the_weakest_kind():
    real, syn, analyst = Provenance("real", "Census"), Provenance("synthetic", "layer"), Provenance("analyst", "map")
    assert Provenance.combine(real, real).kind == "real"
    assert Provenance.combine(real, analyst).kind == "analyst"
    assert Provenance.combine(analyst, syn, real).kind == "synthetic"
    assert Provenance.combine(real, syn, real).source == "Census + layer"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Provenance("guess", "x")  # type: ignore[arg-type]


def test_empty_figure_says_why():
    fig = empty_figure("No trade for Narnia.")
    assert fig.layout.annotations[0].text == "No trade for Narnia."
    assert fig.layout.meta["empty"] is True and badge_of(fig) is None


def test_bn_axis_labels_money_with_the_sign_before_the_dollar():
    from dashboard.figures.common import bn_axis, nice_step

    axis = bn_axis(-346.0, 452.0)
    assert axis["ticktext"][0].startswith("-$") and "$0" in axis["ticktext"]
    assert axis["tickvals"][0] <= -346 and axis["tickvals"][-1] >= 452
    assert nice_step(10, 5) == 2 and nice_step(0.9, 4) == 0.25
    small = bn_axis(0, 0.8)
    assert small["ticktext"][:2] == ["$0", "$0.2bn"]


def test_money_ticks_read_at_their_true_values_in_the_unit_of_the_range():
    """A tick at 2.5 read '$2bn' (no decimals for a step >= 1); a $6m frontier read '$0.002bn'."""
    from dashboard.figures.common import bn_axis

    axis = bn_axis(0, 12)
    assert axis["tickvals"][1] == 2.5 and axis["ticktext"][:3] == ["$0", "$2.5bn", "$5.0bn"]
    small = bn_axis(0, 0.0066)
    assert small["ticktext"] == ["$0", "$2m", "$4m", "$6m", "$8m"] and small["title"]["text"] == "US$ m"
    for ticks in (bn_axis(-346, 452), bn_axis(0, 0.9), bn_axis(0, 0.00012), bn_axis(0, 3.3)):
        for v, text in zip(ticks["tickvals"], ticks["ticktext"]):
            number = float(text.replace("$", "").replace(",", "").rstrip("bnmkt") or 0)
            scale = (
                {"bn": 1.0, "m": 1e-3, "k": 1e-6}[next(u for u in ("bn", "m", "k") if text.endswith(u))] if v else 1.0
            )
            assert number * scale == pytest.approx(v, abs=1e-12), (v, text)


def test_the_builder_frontier_axis_is_in_the_packages_unit():
    from dashboard.figures.package import frontier

    pts = [
        {"index": i, "value_usd": v, "risk": r, "n_items": i + 1}
        for i, (v, r) in enumerate([(1.2e6, 0.1), (3.7e6, 0.4), (6.35e6, 0.9)])
    ]
    fig = frontier(pts, Provenance("synthetic", "layer"))
    assert all(t.endswith("m") or t == "$0" for t in fig.layout.xaxis.ticktext)
    assert "US$ m" in fig.layout.xaxis.title.text


def test_a_real_badge_links_to_its_known_source_a_synthetic_one_never():
    real = with_provenance(go.Figure(), Provenance("real", "US goods trade with key partners, Census basis, real"))
    (badge,) = [a for a in real.layout.annotations if a.name == "provenance"]
    assert badge.text.startswith('<a href="https://www.census.gov/') and "REAL DATA" in badge.text
    syn = with_provenance(go.Figure(), Provenance("synthetic", "layer calibrated to US Census totals"))
    assert "href" not in next(a for a in syn.layout.annotations if a.name == "provenance").text
    unknown = with_provenance(go.Figure(), Provenance("real", "Policy timeline"))
    assert "href" not in next(a for a in unknown.layout.annotations if a.name == "provenance").text


def test_policy_events_one_helper_with_the_theme_colours():
    import pandas as pd
    import plotly.graph_objects as go

    from dashboard.figures.common import draw_policy_events
    from dashboard.theme import EVENT_COLORS, NAVY

    events = pd.DataFrame(
        {"date": ["2019-01-01", "2023-07-02"], "title": ["old", "rule"], "summary": ["", None], "kind": ["talks", "x"]}
    )
    fig = go.Figure()
    assert draw_policy_events(fig, events, 2020.0, 5.0) == pytest.approx(2023.5, abs=0.01)
    (ev,) = fig.data
    assert list(ev.marker.color) == [EVENT_COLORS.get("x", NAVY)] and ev.customdata[0][1] == "rule"
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].yref == "paper"
    assert draw_policy_events(go.Figure(), events.iloc[0:0], 2020.0, 5.0) is None


def test_the_template_is_applied_as_plotly_would_apply_it():
    import json

    import plotly
    import plotly.graph_objects as go

    from dashboard.figures.common import apply_template
    from dashboard.theme import TEMPLATE_NAME

    def as_json(fig):
        return json.dumps(fig.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True)

    fast = apply_template(go.Figure(go.Bar(x=[1, 2], y=[3, 4])))
    assert as_json(fast) == as_json(go.Figure(go.Bar(x=[1, 2], y=[3, 4])).update_layout(template=TEMPLATE_NAME))
    fast.layout.template.layout.font.size = 99  # a figure's own copy: the next figure is unchanged
    assert apply_template(go.Figure()).layout.template.layout.font.size != 99
    with pytest.raises(ValueError):  # the rest of the figure is still validated
        fast.update_layout(heigth=3)
