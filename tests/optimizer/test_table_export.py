"""A downloaded table says where its figures come from, in the CSV and in the workbook."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from optimizer.errors import DecontrolError
from optimizer.table_export import Source, provenance_lines, table_csv, table_xlsx

TABLE = pd.DataFrame({"eccn": ["2B991", "5A003"], "value_usd": [1.5e6, None]})
SOURCES = [Source("real", "headings", "15 CFR 774"), Source("synthetic", "values", "build_synthetic.py")]


def test_csv_starts_with_title_and_sources_then_the_whole_table():
    text = table_csv(TABLE, "Items for China", SOURCES)
    assert text.startswith("\ufeff# Items for China\n")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[1] == "# REAL: headings: 15 CFR 774" and lines[2] == "# SYNTHETIC: values: build_synthetic.py"
    assert lines[3] == "# SYNTHETIC figures in this file: values"
    back = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), comment="#")
    assert list(back.columns) == ["eccn", "value_usd"] and list(back["eccn"]) == ["2B991", "5A003"]


def test_no_synthetic_source_is_said_too_and_a_table_without_source_is_refused():
    assert provenance_lines("t", [Source("real", "a", "b")])[-1] == "# No synthetic figures in this file."
    with pytest.raises(DecontrolError, match="where its figures come from"):
        table_csv(TABLE, "t", [])
    with pytest.raises(DecontrolError, match="unknown source status"):
        Source("made up", "a", "b")


def test_workbook_has_every_table_and_a_sources_sheet():
    raw = table_xlsx({"items": TABLE, "a very long sheet name beyond excel's limit": TABLE}, "Items", SOURCES)
    sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None)
    assert list(sheets) == ["items", "a very long sheet name beyond e", "sources"]
    assert sheets["items"]["eccn"].tolist() == ["2B991", "5A003"]
    assert sheets["sources"]["status"].tolist() == ["TITLE", "REAL", "SYNTHETIC"]
