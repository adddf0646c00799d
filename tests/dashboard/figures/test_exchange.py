"""Figures of the Gives and gets page: values in US$ m, unsourced values apart, members without data
named (never drawn as 0), the provenance badge, the empty states."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.figures.common import Provenance, badge_of
from dashboard.figures.exchange import balance_chart, exposure_chart

PROV = Provenance("synthetic", "test layer")


def test_balance_chart():
    fig = balance_chart(
        [
            {"label": "Proposal", "gives": 4e6, "gets": 3e6, "gets_unsourced": 1e6},
            {"label": "Busan", "gives": 0.0, "gets": 11.5e6, "note": "2 line(s) not valued"},
        ],
        PROV,
    )
    names = [t.name for t in fig.data]
    assert names == [
        "US gives (partner's gain)",
        "US gets (relief of partner measures)",
        "US gets on UNSOURCED HS codes",
    ]
    assert list(fig.data[1].y) == [3.0, 11.5] and list(fig.data[2].base) == [3.0, 11.5]
    assert badge_of(fig) == "synthetic"
    assert list(fig.data[0].x) == ["Proposal", "Busan<br><sup>2 line(s) not valued</sup>"]
    assert balance_chart([], PROV).layout.meta == {"empty": True}


def test_exposure_chart_names_members_without_data():
    rows = [
        {
            "measure_id": "a",
            "item_group": "gallium",
            "member": "USA",
            "imports_from_partner_usd": 2e6,
            "basis": "bilateral rows CHN -> USA",
        },
        {
            "measure_id": "a",
            "item_group": "gallium",
            "member": "JPN",
            "imports_from_partner_usd": 5e6,
            "basis": "proxy: ...",
        },
        {
            "measure_id": "a",
            "item_group": "gallium",
            "member": "AUS",
            "imports_from_partner_usd": np.nan,
            "basis": "no data: ...",
        },
    ]
    fig = exposure_chart(pd.DataFrame(rows), PROV)
    assert [t.name for t in fig.data] == ["USA", "JPN (proxy)", "AUS: no data"]
    assert list(fig.data[1].x) == [5.0] and fig.data[2].visible == "legendonly"
    assert exposure_chart(
        pd.DataFrame(columns=["item_group", "member", "imports_from_partner_usd", "basis"]), PROV
    ).layout.meta == {"empty": True}
