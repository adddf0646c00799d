"""`decontrol trade`: bad --allies are refused with exit 2 and a message naming them."""

from __future__ import annotations

import json

import pytest


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
