"""An item's diversion exposure (the link from the Diversion page to the package), and the
optimizer's screen on it (`Scenario.max_diversion`)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from optimizer.data.load import load_dataset
from optimizer.diversion import rank as rk
from optimizer.diversion.exposure import STRONG_SIGNAL, for_scenario, item_exposure, targets_for, with_diversion
from optimizer.errors import DecontrolError
from optimizer.model import Scenario, solve_package
from optimizer.model.items import validate_items
from tests.optimizer.diversion.test_rank import CODE, mirror_fixture


@pytest.fixture(scope="module")
def shipped():
    return load_dataset()


@pytest.fixture(scope="module")
def fixture_ds(shipped):
    """The shipped reference tables with the hand-made mirror table of test_rank (one code, 854231,
    diverted through ARE to Russia) and a two-item concordance: 3A991 maps to that code, 2B991 to a
    code the mirror table does not have."""
    conc = pd.DataFrame(
        {
            "eccn": ["3A991", "2B991"],
            "hs6": [CODE, "845891"],
            "confidence": ["high", "high"],
            "rationale": ["", ""],
            "controlled_share": [1.0, 1.0],
        }
    )
    return replace(shipped, mirror_trade=mirror_fixture(), concordance=conc)


def test_targets_follow_the_partner():
    assert targets_for("CHN") == ("CHN",) and targets_for("RUS") == ("RUS",)
    assert targets_for("HKG") == ("CHN",) and targets_for("MAC") == ("CHN",)
    assert set(targets_for("JPN")) == set(rk.CONTROL_DATES)  # relief to an ally: every target counts


def test_item_score_is_the_strongest_pair_of_its_codes(fixture_ds):
    exp = item_exposure(fixture_ds, "RUS")
    ranked, _ = rk.rank_pairs(fixture_ds.mirror_trade, "RUS", date(2022, 2, 24), hubs=rk.HUBS)
    top = ranked.iloc[0]
    assert top["hub"] == "ARE"  # the planted surge of the fixture
    row = exp.of("3A991")
    assert row is not None and math.isclose(row["diversion_score"], round(top["combined"], 4))
    assert row["diversion_signal"].startswith(f"ARE → RUS, HS {CODE}, score {top['combined']:.2f}")
    assert row["diversion_pairs_strong"] == int((ranked["combined"] >= STRONG_SIGNAL).sum())
    assert exp.of("2B991") is None  # its code is not in the mirror table: no score, not 0
    assert exp.of("3A991-rest") == row  # a sub-item takes its base entry's exposure


def test_one_item_costs_its_codes_only_and_scores_the_same(shipped):
    full = item_exposure(shipped, "CHN")
    for eccn in ("2B001-rest", "5A003", "1C010-rest"):
        assert item_exposure(shipped, "CHN", [eccn]).of(eccn) == full.of(eccn)
    assert item_exposure(shipped, "CHN", ["1A001"]).table.empty  # no mapped code in the mirror table


def test_with_diversion_joins_scores_and_leaves_unknown_as_nan(fixture_ds):
    items = pd.DataFrame({"eccn": ["3A991", "3A991-rest", "2B991"]})
    out = with_diversion(items, item_exposure(fixture_ds, "RUS"))
    assert out["diversion_score"].iloc[0] == out["diversion_score"].iloc[1] > 0
    assert math.isnan(out["diversion_score"].iloc[2]) and out["diversion_signal"].iloc[2] == ""
    assert for_scenario(fixture_ds, items, "RUS", None) is items  # no screen: the table as it is


def test_no_mirror_table_is_a_clear_error(shipped):
    empty = replace(shipped, mirror_trade=shipped.mirror_trade.iloc[0:0])
    assert item_exposure(empty, "CHN") is None
    with pytest.raises(DecontrolError, match="needs the mirror trade table"):
        for_scenario(empty, pd.DataFrame({"eccn": ["2B991"]}), "CHN", 0.5)


def _table(scores):
    return pd.DataFrame(
        [
            {
                "eccn": "2B991",
                "tier": "legacy",
                "value_usd": 900e6,
                "risk": 0.3,
                "fa_score": 0.8,
                "diversion_score": scores[0],
                "diversion_signal": "ARE → RUS, HS 845891, score 0.90",
            },
            {
                "eccn": "3A991",
                "tier": "legacy",
                "value_usd": 800e6,
                "risk": 0.5,
                "fa_score": 0.8,
                "diversion_score": scores[1],
                "diversion_signal": "",
            },
        ]
    )


def test_the_screen_leaves_out_strong_signals_only_and_says_why():
    table = _table([0.9, float("nan")])
    free = solve_package(table, Scenario(target_usd=800e6, modes=("lift",)))
    assert [i.eccn for i in free.items] == ["2B991"]  # cheaper risk: chosen without the screen
    res = solve_package(table, Scenario(target_usd=800e6, modes=("lift",), max_diversion=0.5))
    assert [i.eccn for i in res.items] == ["3A991"]  # an unmeasured item (NaN) is not screened out
    why = {e["eccn"]: e for e in res.to_dict()["excluded"]}
    assert why["2B991"]["reason"] == "diversion_signal" and "0.90 at or above 0.50" in why["2B991"]["detail"]
    assert "ARE → RUS" in why["2B991"]["detail"]
    at = solve_package(table, Scenario(target_usd=800e6, modes=("lift",), max_diversion=0.9))
    assert "2B991" not in [i.eccn for i in at.items]  # at the threshold counts as strong


def test_a_forced_item_overrides_the_screen_with_a_warning():
    res = solve_package(
        _table([0.9, 0.1]), Scenario(target_usd=800e6, modes=("lift",), max_diversion=0.5, forced=("2B991",))
    )
    assert "2B991" in [i.eccn for i in res.items]
    assert any("strong diversion signal" in w for w in res.warnings)


def test_the_diagnosis_names_the_screen_when_it_blocks_the_target():
    res = solve_package(_table([0.9, 0.1]), Scenario(target_usd=1.5e9, modes=("lift",), max_diversion=0.5))
    assert res.status == "infeasible"
    blocking = [b["constraint"] for b in res.diagnosis["blocking"]]
    assert "diversion" in blocking


def test_screen_without_scores_and_bad_scores_are_refused():
    table = _table([0.9, 0.1]).drop(columns=["diversion_score", "diversion_signal"])
    with pytest.raises(DecontrolError, match="no diversion_score column"):
        solve_package(table, Scenario(target_usd=1e6, max_diversion=0.5))
    with pytest.raises(DecontrolError) as bad:
        validate_items(_table(["1.5", "0.1"]).astype(str))
    assert any("diversion_score '1.5' must be a number between 0 and 1" in d for d in bad.value.details)
    with pytest.raises(DecontrolError, match="max_diversion"):
        Scenario.from_dict({"max_diversion": 2})


def test_cli_screen_on_shipped_data_leaves_out_the_leaking_candidates(cli):
    # --min-fa 0: at the default threshold 2B001-rest (availability 0.33) is left out for that first
    code, out, err = cli(
        "optimize", "--partner", "CHN", "--target", "1m", "--max-diversion", "0.3", "--min-fa", "0", "--format", "json"
    )
    assert code == 0, err
    d = json.loads(out)
    screened = {e["eccn"] for e in d["excluded"] if e["reason"] == "diversion_signal"}
    assert {"2B001-rest", "1C010-rest"} <= screened  # MYS/UZB -> CHN signals of 0.40 and 0.31 (synthetic)
    assert not screened & {i["eccn"] for i in d["items"]}
    code, _, err = cli("optimize", "--partner", "CHN", "--target", "1m", "--max-diversion", "2")
    assert code == 2 and "max_diversion" in err and "Traceback" not in err
