import math

import plotly.io as pio

from dashboard.theme import (
    TEMPLATE_NAME,
    TIER_COLORS,
    TIER_ORDER,
    fmt_bn,
    fmt_count,
    fmt_pct,
    fmt_score,
    fmt_usd,
    fmt_years,
)


def test_money_is_formatted_the_negotiators_way():
    assert fmt_usd(1.2e9) == "$1.2bn"
    assert fmt_usd(350e6) == "$350.0m"
    assert fmt_usd(1.503e12) == "$1.5tn"
    assert fmt_usd(-745.5e9) == "-$745.5bn"
    assert fmt_usd(float("nan")) == "n/a"
    assert fmt_usd(None, missing="unknown") == "unknown"


def test_billions_percent_scores_counts_years():
    assert fmt_bn(4e8) == "$0.4bn"
    assert fmt_bn(2.05e9, digits=2) == "$2.05bn"
    assert fmt_pct(0.734) == "73%"
    assert fmt_pct(math.nan) == "n/a"
    assert fmt_score(0.8123) == "0.81"
    assert fmt_count(1, "item") == "1 item" and fmt_count(3, "item") == "3 items"
    assert fmt_years([2024, 2015, 2019]) == "2015–2024" and fmt_years([2018]) == "2018"


def test_one_template_and_a_colour_per_tier():
    assert TEMPLATE_NAME in pio.templates
    assert all(t in TIER_COLORS for t in TIER_ORDER)
    assert len({TIER_COLORS[t] for t in TIER_ORDER}) == len(TIER_ORDER)
