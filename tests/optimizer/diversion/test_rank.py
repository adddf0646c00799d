"""The ranking on a hand-made mirror table: every score of the leading pair recomputed by hand.

Fixture (one code 854231, target RUS, 2017-2024, control 2022-02-24 so 2017-2021 are pre, 2022-2024
post): the USA exports to three hubs on an exact 5% trend; H1's imports triple from 2022, H3's rise
10%, H2's stay on trend. Importers report 5% more than exporters (CIF), except H1 after the control
(it records only 90% of that; with no surge, 105% as the others). RUS reports importing from H1 5% of H1's imports before and 40% after;
H1 declares 1/1.05 of that before and 90% of it after. Weights: 10 USD/kg on every flow except H1's
post-control exports to RUS (5 USD/kg). A Chinese exporter ships to H1 too and must be ignored.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from optimizer.diversion import rank as rk
from optimizer.errors import DecontrolError

YEARS = range(2017, 2025)
CODE = "854231"
HUBS = ("ARE", "KAZ", "TUR")  # H1, H2, H3


def _flow(rows, year, exp_, imp, v_exp, v_imp, kg_exp=None, kg_imp=None):
    rows.append((year, exp_, imp, CODE, "exporter", v_exp, kg_exp))
    rows.append((year, exp_, imp, CODE, "importer", v_imp, kg_imp))


def mirror_fixture(h1_surge: float = 3.0) -> pd.DataFrame:
    rows: list = []
    for y in YEARS:
        post = y >= 2022
        base = 1e6 * math.exp(0.05 * (y - 2017))
        for hub, mult, rec in (
            ("ARE", h1_surge if post else 1.0, 0.9 if post and h1_surge > 1 else 1.0),
            ("KAZ", 1.0, 1.0),
            ("TUR", 1.1 if post else 1.0, 1.0),
        ):
            v = base * mult
            _flow(rows, y, "USA", hub, v, v * 1.05 * rec, v / 10, v * 1.05 * rec / 10)
        _flow(rows, y, "CHN", "ARE", 5e7 * (3 if post else 1), 5e7 * (3 if post else 1))  # not coalition
        h1_imports = base * (h1_surge if post else 1.0) * 1.05 * (0.9 if post and h1_surge > 1 else 1.0)
        rus = h1_imports * (0.4 if post else 0.05)
        declared = rus * 0.9 if post else rus / 1.05
        _flow(rows, y, "ARE", "RUS", declared, rus, None, rus / (5 if post else 10))
        _flow(rows, y, "KAZ", "RUS", 0.02 * base / 1.05 * 1.05, 0.02 * base * 1.05, None, 0.02 * base * 1.05 / 10)
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "hs6", "reporter", "value_usd", "quantity_kg"])


@pytest.fixture(scope="module")
def ranked():
    return rk.rank_pairs(mirror_fixture(), "RUS", date(2022, 2, 24), hubs=HUBS)


def test_periods(ranked):
    _, per = ranked
    assert per.pre == (2017, 2018, 2019, 2020, 2021) and per.post == (2022, 2023, 2024)


def test_leading_pair_scores_by_hand(ranked):
    table, _ = ranked
    assert list(table["hub"]) == ["ARE", "TUR", "KAZ"] and list(table["rank"]) == [1, 2, 3]
    h1 = table.iloc[0]
    # growth: residuals ARE ln 3, KAZ 0, TUR ln 1.1 (exact trends: own prediction error 0)
    peers = np.array([0.0, math.log(1.1)])
    did = math.log(3) - peers.mean()
    se = peers.std(ddof=1) * math.sqrt(1 + 1 / 2)
    assert h1["did_log"] == pytest.approx(did) and h1["did_se"] == pytest.approx(se)
    assert h1["did_z"] == pytest.approx(did / se) and h1["growth_score"] == 1.0
    assert h1["n_peers"] == 2
    # re-export ratio: RUS's reports over ARE's reported imports
    assert h1["reexport_ratio_pre"] == pytest.approx(0.05) and h1["reexport_ratio_post"] == pytest.approx(0.4)
    assert h1["reexport_score"] == 1.0
    # mirror: leg 1 -0.05 -> 1 - 1.05 * 0.9 = 0.055; leg 2 1 - 1/1.05 -> 0.1
    assert h1["gap1_pre"] == pytest.approx(-0.05) and h1["gap1_post"] == pytest.approx(0.055)
    assert h1["gap2_pre"] == pytest.approx(1 - 1 / 1.05) and h1["gap2_post"] == pytest.approx(0.1)
    rise = max(0.105, 0.1 - (1 - 1 / 1.05))
    assert h1["mirror_score"] == pytest.approx(rise / 0.2)
    # unit value: out 10 -> 5 USD/kg, in 10 USD/kg throughout
    assert h1["uv_change"] == pytest.approx(math.log(0.5))
    uv_score = (math.log(2) - 0.2) / 0.8
    assert h1["unit_value_score"] == pytest.approx(uv_score)
    expected = 0.35 * 1 + 0.30 * 1 + 0.20 * rise / 0.2 + 0.15 * uv_score
    assert h1["combined"] == pytest.approx(expected)
    # the Chinese exporter's flows are not coalition exports
    assert h1["coalition_to_hub_pre_usd"] == pytest.approx(np.mean([1e6 * math.exp(0.05 * t) for t in range(5)]))


def test_pair_without_reexports_has_no_reexport_or_unit_value_score(ranked):
    table, _ = ranked
    tur = table.set_index("hub").loc["TUR"]
    assert tur["reexport_score"] == 0.0 and tur["hub_to_target_post_usd"] == 0.0
    assert math.isnan(tur["unit_value_score"])
    assert tur["did_z"] < 0  # below the mean of its peers (ARE's surge dominates)


def test_ranking_is_deterministic_whatever_the_row_order(ranked):
    table, _ = ranked
    shuffled = mirror_fixture().sample(frac=1.0, random_state=7).reset_index(drop=True)
    again, _ = rk.rank_pairs(shuffled, "RUS", date(2022, 2, 24), hubs=HUBS)
    pd.testing.assert_frame_equal(table, again)


def test_ties_are_broken_by_growth_then_hub_then_code():
    m = mirror_fixture(h1_surge=1.0)  # ARE and KAZ now identical: exact trend, no re-exports
    m = m[~m["exporter"].isin(["ARE", "KAZ"])]
    table, _ = rk.rank_pairs(m, "RUS", date(2022, 2, 24), hubs=HUBS)
    assert list(table["hub"]) == ["TUR", "ARE", "KAZ"]
    are, kaz = table.iloc[1], table.iloc[2]
    assert are["combined"] == kaz["combined"] and are["did_z"] == pytest.approx(kaz["did_z"])


def test_missing_report_is_not_a_zero_report():
    m = mirror_fixture()
    m = m[~((m["importer"] == "ARE") & (m["reporter"] == "importer") & (m["year"] == 2023))]
    wide = rk.side_by_side(m)
    row = wide[(wide["importer"] == "ARE") & (wide["exporter"] == "USA") & (wide["year"] == 2023)].iloc[0]
    assert math.isnan(row["v_imp"]) and row["v_exp"] > 0


def test_bad_reporter_and_uncovered_dates_are_clear_errors():
    m = mirror_fixture()
    with pytest.raises(DecontrolError, match="reporter must be 'exporter' or 'importer'"):
        rk.side_by_side(m.assign(reporter="partner"))
    with pytest.raises(DecontrolError, match="no trade data after 2030-01-01"):
        rk.rank_pairs(m, "RUS", date(2030, 1, 1), hubs=HUBS)
    with pytest.raises(DecontrolError, match="at least 3 years of trade before 2018-05-01"):
        rk.rank_pairs(m, "RUS", date(2018, 5, 1), hubs=HUBS)
