"""The shipped licensing tables (Country Chart, Country Groups, Supp. No. 2 to Part 744) and item
tables built on them, once per module."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shipped():
    from optimizer.data.load import load_dataset

    return load_dataset()


@pytest.fixture(scope="session")
def tables(shipped):
    from optimizer.estimation import build_item_table

    return {p: build_item_table(shipped, p).set_index("eccn") for p in ("CHN", "JPN", "TWN", "IRN", "RUS", "MAC")}
