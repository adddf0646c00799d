"""The report (CHPL tiers, provenance, filters) and the validation on the shipped synthetic mirror table."""

from __future__ import annotations

import pytest

from optimizer.data.load import load_dataset
from optimizer.diversion.report import diversion_report, parse_hubs, parse_tiers, parse_weights
from optimizer.diversion.validation import ALARM_THRESHOLD, validate
from optimizer.errors import DecontrolError


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_parsers_name_the_bad_value():
    assert parse_tiers("1, 2") == ("1", "2") and parse_tiers("3") == ("3.A", "3.B") and parse_tiers(None) == ()
    with pytest.raises(DecontrolError, match="unknown CHPL tier '9'"):
        parse_tiers("1,9")
    with pytest.raises(DecontrolError, match="unknown hub country code"):
        parse_hubs("ARE,XXX", {"ARE", "TUR"})
    with pytest.raises(DecontrolError, match="at least two hubs"):
        parse_hubs("ARE", {"ARE"})
    assert parse_weights("growth=1")["mirror"] == 0.0
    for bad, msg in (
        ("speed=1", "unknown signal"),
        ("growth=x", "not a number"),
        ("growth=-1", "negative"),
        ("growth=0", "at least one weight"),
    ):
        with pytest.raises(DecontrolError, match=msg):
            parse_weights(bad)


def test_report_is_labelled_synthetic_and_filters_by_chpl_tier(ds):
    rep = diversion_report(ds, "RUS", tiers=("1", "2"))
    assert rep.synthetic and rep.data_label == "SYNTHETIC" and "SYNTHETIC" in rep.source
    assert set(rep.table["chpl_tier"]) <= {"1", "2"} and len(rep.table)
    assert rep.since.isoformat() == "2022-02-24" and rep.periods.post[0] == 2022
    assert list(rep.table["rank"]) == list(range(1, len(rep.table) + 1))
    assert rep.table["combined"].is_monotonic_decreasing


def test_report_without_a_mirror_table_says_what_is_missing(ds):
    from dataclasses import replace

    empty = replace(ds, mirror_trade=ds.mirror_trade.iloc[0:0])
    with pytest.raises(DecontrolError, match="no mirror trade table"):
        diversion_report(empty, "RUS")


def test_validation_finds_the_planted_patterns(ds):
    results = {r.target: r for r in validate(ds)}
    assert set(results) == {"RUS", "BLR", "CHN"}
    planted = sum(r.planted for r in results.values())
    found_2k = sum(r.found_top_2k for r in results.values())
    assert planted == 17
    # the method must find most of what was planted and raise few alarms on unplanted pairs
    assert found_2k / planted >= 0.8
    for r in results.values():
        assert r.unplanted_above_threshold <= 0.01 * r.unplanted_pairs
        assert r.false_alarms_top_k <= max(1, r.k // 3)
    assert 0 < ALARM_THRESHOLD < 1
