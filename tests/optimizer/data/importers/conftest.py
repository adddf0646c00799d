"""Importer tests run against a small countries.csv, not the shipped one (which grows over time)."""

from __future__ import annotations

from pathlib import Path

import pytest

COUNTRIES = """iso3,name,m49,baci_code,iso2
USA,United States,840,842,US
CHN,China,156,156,CN
FRA,France,250,251,FR
JPN,Japan,392,392,JP
DEU,Germany,276,276,DE
TWN,Taiwan,158,490,TW
KOR,"Korea, Rep.",410,410,KR
WLD,World,0,,
EUU,European Union,,,
"""


@pytest.fixture(autouse=True)
def shipped_countries(tmp_path, monkeypatch) -> Path:
    """Point the importers' view of the shipped datasets/ at a directory with only countries.csv."""
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "countries.csv").write_text(COUNTRIES, encoding="utf-8")
    import optimizer.data.importers.common as common

    monkeypatch.setattr(common, "SHIPPED_DATA_DIR", shipped)
    return shipped


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under `out` (to prove a failed import wrote nothing)."""
    return (
        {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} if out.exists() else {}
    )
