"""`decontrol trade`: bad --allies and --years are refused with exit 2 and a message naming them."""

from __future__ import annotations

import json

import pytest

from optimizer.cli.trade import parse_years
from optimizer.errors import DecontrolError


@pytest.mark.parametrize(
    ("allies", "words"),
    [
        ("XXX", "unknown ally 'XXX': not an ISO3 code in countries.csv"),
        ("JPN,wld", "ally WLD is a group of countries, not a country"),
        ("CHN", "ally CHN is the partner: an ally cannot also be the partner"),
        ("XXX,YYY", "2 bad allies"),
    ],
)
def test_an_ally_that_is_not_a_country_is_exit_2(cli, allies, words):
    code, out, err = cli("trade", "--partner", "CHN", "--view", "allies", "--allies", allies)
    assert code == 2 and words in err and out == "" and "Traceback" not in err


def test_real_allies_are_read_upper_cased_once_each(cli):
    code, out, _ = cli("trade", "--partner", "CHN", "--view", "allies", "--allies", "jpn,GBR,JPN", "--format", "json")
    assert code == 0 and [r["iso3"] for r in json.loads(out)["rows"]] == ["JPN", "GBR"]


def test_a_reversed_year_range_is_refused():
    assert parse_years("2018:2024", list(range(2015, 2025))) == (2018, 2024)
    assert parse_years("2020", list(range(2015, 2025))) == (2020, 2020)
    with pytest.raises(DecontrolError, match=r"^--years 2024:2018: the first year must not be after the last$"):
        parse_years("2024:2018", list(range(2015, 2025)))


def test_a_reversed_year_range_is_exit_2(cli):
    code, out, err = cli("trade", "--partner", "CHN", "--years", "2024:2018")
    assert code == 2 and "--years 2024:2018: the first year must not be after the last" in err and out == ""
