"""Questions every estimator asks of the canonical trade table, answered one way everywhere.

The trade table (`year, exporter, importer, hs6, value_usd`) may mix reporting styles: BACI gives
only bilateral flows; Comtrade and Census often give a partner "World" total (`WLD`) that is more
complete than the sum of the bilateral rows (confidential and unallocated trade is in the total
only). So "world exports of X" uses the `WLD` row where the data has one for that exporter and
product, and otherwise sums the bilateral rows over real countries, never over aggregates such as
`WLD` or `EUU` (which would count the same trade twice).

All functions are pure and vectorised; they return new frames with a fresh index.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.errors import DecontrolError

WORLD = "WLD"
#: Codes that are groups of countries, not countries: never summed with their members.
AGGREGATES: frozenset[str] = frozenset({"WLD", "EUU"})


def check_countries(
    ds: Any, raw: Any, *, role: str, many: str, noun: str | None = None, partner: str | None = None
) -> tuple[str, ...]:
    """The country codes a user names (coalition members, allies), upper-cased and de-duplicated;
    DecontrolError naming each code that is not a country of countries.csv, a group of countries
    or the partner (the rule: `optimizer.validation.country_codes`). `many` names several bad
    codes in the message ("2 bad coalition members")."""
    from optimizer.validation import country_codes

    known = set(ds.countries["iso3"].astype(str))
    codes, problems = country_codes(raw, known, role=role, noun=noun, partner=partner, groups=AGGREGATES)
    if problems:
        raise DecontrolError(
            problems[0] if len(problems) == 1 else f"{len(problems)} bad {many}", problems if len(problems) > 1 else []
        )
    return tuple(codes)


def trade_years(trade: pd.DataFrame) -> list[int]:
    """The years present, ascending."""
    return sorted(int(y) for y in pd.unique(trade["year"]))


def check_year(
    ds: Any,
    year: int | None,
    what: str = "year",
    needs: str = "no item values or foreign availability can be estimated",
) -> int:
    """The year to use (None: latest in the trade data); unknown year -> DecontrolError naming the
    years there are (`what`: how the caller names the year, e.g. "--year"; `needs`: what an empty
    trade table leaves impossible)."""
    years = trade_years(ds.trade) if len(ds.trade) else []
    if not years:
        raise DecontrolError(f"the trade table is empty: {needs}")
    if year is None:
        return years[-1]
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise DecontrolError(f"{what} {year!r} is not a year") from None
    if y not in years:
        raise DecontrolError(f"no trade data for {what} {y}: the trade table has {_span(years)}")
    return y


def _span(years: list[int]) -> str:
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(map(str, years))


def latest_year(trade: pd.DataFrame) -> int:
    """The most recent year in the table (the default year of most views)."""
    if trade.empty:
        raise ValueError("the trade table is empty")
    return int(trade["year"].max())


def _year(trade: pd.DataFrame, year: int) -> pd.DataFrame:
    return trade.loc[trade["year"] == int(year), ["exporter", "importer", "hs6", "value_usd"]]


def _total_or_sum(rows: pd.DataFrame, by: str, other: str) -> pd.DataFrame:
    """Per (by, hs6): the `other == WLD` value where present, else the sum over real countries."""
    rows = rows[~rows[by].isin(AGGREGATES)]
    totals = rows[rows[other] == WORLD].groupby([by, "hs6"], as_index=False, sort=False)["value_usd"].sum()
    members = rows[~rows[other].isin(AGGREGATES)]
    summed = members.groupby([by, "hs6"], as_index=False, sort=False)["value_usd"].sum()
    if not totals.empty:
        have_total = pd.MultiIndex.from_frame(totals[[by, "hs6"]])
        summed = summed[~pd.MultiIndex.from_frame(summed[[by, "hs6"]]).isin(have_total)]
    out = pd.concat([totals, summed], ignore_index=True)
    return out.sort_values([by, "hs6"], ignore_index=True)


def world_exports(trade: pd.DataFrame, year: int) -> pd.DataFrame:
    """Exports to the world per exporter and HS6 in `year`: columns exporter, hs6, value_usd (USD).

    Uses the exporter's `importer == 'WLD'` row where present, else the sum of its bilateral rows
    to real countries. Aggregate exporters (WLD, EUU) are not suppliers and are left out.
    """
    return _total_or_sum(_year(trade, year), by="exporter", other="importer")


def imports_from_world(trade: pd.DataFrame, importer: str | None, year: int) -> pd.DataFrame:
    """Imports from the world per importer and HS6 in `year`: columns importer, hs6, value_usd (USD).

    `importer=None` gives every importer. Uses `exporter == 'WLD'` rows where present, else the sum
    of bilateral rows from real countries.
    """
    rows = _year(trade, year)
    if importer is not None:
        rows = rows[rows["importer"] == importer]
    return _total_or_sum(rows, by="importer", other="exporter")


def bilateral(trade: pd.DataFrame, exporter: str, importer: str, year: int) -> pd.DataFrame:
    """Flows from `exporter` to `importer` in `year` per HS6: columns hs6, value_usd (USD)."""
    rows = _year(trade, year)
    rows = rows[(rows["exporter"] == exporter) & (rows["importer"] == importer)]
    return rows.groupby("hs6", as_index=False, sort=True)["value_usd"].sum()
