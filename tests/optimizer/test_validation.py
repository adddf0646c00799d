"""One validation layer: the number reader, the field checks and the file models every entry point uses,
each entry point keeping its own wording."""

import json
import math

import pytest

from optimizer.errors import DecontrolError
from optimizer.validation import (
    NumberError,
    country_codes,
    number_or_blank,
    positions_shape_ok,
    read_number,
    user_entry,
    validate_fields,
)


@pytest.mark.parametrize(
    ("value", "kw", "kind"),
    [
        (True, {}, "type"),
        ([1], {}, "type"),
        ("5", {"text": False}, "type"),
        ("five", {}, "text"),
        ("nan", {}, "nonfinite"),
        (math.inf, {}, "nonfinite"),
        (2.5, {"integer": True}, "whole"),
        (0, {"lo": 0, "lo_open": True}, "low"),
        (-1, {"lo": 0}, "low"),
        (2, {"hi": 1}, "high"),
    ],
)
def test_read_number_says_why(value, kw, kind):
    with pytest.raises(NumberError) as exc:
        read_number(value, **kw)
    assert exc.value.kind == kind


def test_read_number_reads_text_and_lets_infinity_through_when_asked():
    assert read_number(" 2.5 ") == 2.5 and read_number(3, integer=True, lo=0) == 3.0
    assert read_number(math.inf, finite=False, lo=0) == math.inf
    assert number_or_blank("  ") is None and math.isnan(number_or_blank("x")) and number_or_blank("4") == 4.0


def test_validate_fields_keeps_each_checks_message_in_field_order():
    def positive(v):
        if v <= 0:
            raise ValueError(f"must be > 0, got {v}")
        return v

    checks = {"a": positive, "b": positive, "c": str.upper}
    assert validate_fields(checks, {"a": 1, "c": "x", "zzz": 0}) == ({"a": 1, "c": "X"}, [])
    assert validate_fields(checks, {"b": -1, "a": 0}) == ({}, ["a: must be > 0, got 0", "b: must be > 0, got -1"])


def test_scenario_messages_are_unchanged():
    from optimizer.model.scenario import Scenario

    with pytest.raises(DecontrolError) as exc:
        Scenario.from_dict({"target_usd": -1, "min_fa": "x", "solver": "gurobi", "bogus": 1})
    assert exc.value.details[0].startswith("unknown field(s) bogus")
    assert exc.value.details[1:] == [
        "target_usd: must be >= 0, got -1",
        "min_fa: expected a number, got 'x'",
        "solver: unknown value 'gurobi': expected one of auto, cbc, highs",
    ]


def test_estimation_config_messages_are_unchanged():
    from optimizer.estimation.config import EstimationConfig

    with pytest.raises(DecontrolError) as exc:
        EstimationConfig(max_share_per_hs6=2)
    assert exc.value.message == "estimation setting 'max_share_per_hs6' must be <= 1.0, got 2"
    with pytest.raises(DecontrolError) as exc:
        EstimationConfig(year=2020.5)
    assert exc.value.message == "estimation setting 'year' must be a whole number, got 2020.5"


def test_scenario_document_problems_in_field_order():
    from optimizer.scenarios.exchange import parse_document

    with pytest.raises(DecontrolError) as exc:
        parse_document({"format_version": "1", "name": 3, "results": {}, "author": True})
    assert exc.value.details == [
        "missing field 'format'",
        "field 'format_version' must be integer, got str \"1\"",
        "field 'name' must be text, got int 3",
        "missing field 'inputs'",
        "field 'author' must be text, got bool true",
    ]


def test_positions_and_users_files():
    assert positions_shape_ok({"JPN": {"3A991": "oppose"}})
    assert not positions_shape_ok({"JPN": {"3A991": 1}}) and not positions_shape_ok(["JPN"])
    assert user_entry({"username": "alice", "role": "analyst"}, ("analyst", "ally"))[0].username == "alice"
    assert user_entry({"username": "bob", "role": "boss"}, ("analyst", "ally")) == (
        None,
        "role must be one of analyst, ally",
    )
    assert user_entry({"role": "ally"}, ("analyst", "ally")) == (None, "no username")


def test_users_file_messages(tmp_path):
    from dashboard.auth import load_users

    path = tmp_path / "users.json"
    path.write_text(json.dumps({"users": [{"role": "ally"}, {"username": "bob", "role": "boss"}]}))
    with pytest.raises(DecontrolError) as exc:
        load_users(path)
    assert exc.value.details == ["entry 1: no username", "bob: role must be one of analyst, ally"]


def test_reading_a_scenario_imports_no_pydantic():
    """The scenario's rules are its check functions: a command that reads one pays nothing for the
    users and positions files' models (pydantic loads where those are read)."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom optimizer.model.scenario import Scenario\n"
        "Scenario.from_dict({'target_usd': 5e6, 'modes': ['lift']})\nprint('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_country_codes_name_each_bad_code_in_the_callers_words():
    known = {"USA", "CHN", "JPN", "GBR", "WLD"}
    assert country_codes([" jpn", "GBR", "JPN", ""], known, role="ally") == (["JPN", "GBR"], [])
    codes, problems = country_codes(
        ["XXX", "wld", "CHN"], known, role="ally", noun="an ally", partner="CHN", groups={"WLD"}
    )
    assert codes == ["XXX", "WLD", "CHN"]
    assert problems == [
        "unknown ally 'XXX': not an ISO3 code in countries.csv",
        "ally WLD is a group of countries, not a country",
        "ally CHN is the partner: an ally cannot also be the partner",
    ]
    _, problems = country_codes(["CHN"], known, role="member", noun="a coalition member", partner="CHN")
    assert problems == ["member CHN is the partner: a coalition member cannot also be the partner"]
    # a typo gets a suggestion: letters swapped (most in place first), else the closest spelling
    _, problems = country_codes(["GRB", "JPX"], known | {"BGR"}, role="member")
    assert problems == [
        "unknown member 'GRB': not an ISO3 code in countries.csv (did you mean GBR?)",
        "unknown member 'JPX': not an ISO3 code in countries.csv (did you mean JPN?)",
    ]
