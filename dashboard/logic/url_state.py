"""The view in the address bar: partner, years, item and drill-down as a query string.

A copied address reopens the same view (`/items?partner=CHN&year=2023&item=2B001`,
`/?partner=JPN&years=2015-2023&hs=8458`). Reading goes one way (URL -> controls) and writing the
other (controls -> URL); each returns "nothing to change" when the other side already agrees, so the
pair settles after one round instead of looping. Unknown values never raise: they fall back to a sane
default and come back as a message the page shows inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from dashboard.logic.items import item_years
from dashboard.logic.trade import partner_options, totals_years

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-–:]\s*(\d{4}))?\s*$")
_HS = re.compile(r"^\d{2}(\d{2}(\d{2})?)?$")


def parse_query(search: str | None) -> dict[str, str]:
    """`?a=1&b=2` -> {"a": "1", "b": "2"} (the last value of a repeated key; blanks dropped)."""
    return {k: v.strip() for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=False) if v.strip()}


def query_string(params: dict[str, Any]) -> str:
    """{"partner": "CHN", "item": None} -> "?partner=CHN" (empty values left out, order kept; a list
    repeats its key: {"compare": ["a", "b"]} -> "?compare=a&compare=b")."""
    kept = {
        k: [str(x) for x in v] if isinstance(v, list | tuple) else str(v)
        for k, v in params.items()
        if v not in (None, "", [], ())
    }
    return "?" + urlencode(kept, safe="-", doseq=True) if kept else ""


def query_list(search: str | None, key: str) -> list[str]:
    """Every value of a repeated key, in order (blanks dropped)."""
    return [v.strip() for k, v in parse_qsl((search or "").lstrip("?")) if k == key and v.strip()]


def same_path(pathname: str | None, path: str) -> bool:
    """Whether the URL shows the page served at `path` (trailing slash ignored)."""
    return ((pathname or "/").rstrip("/") or "/") == (path.rstrip("/") or "/")


@dataclass
class UrlView:
    """What a query string asks a page to show, checked against the data, with what was refused."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _partner(ds: Any, query: dict[str, str], view: UrlView) -> None:
    if "partner" not in query:
        return
    known = [o["value"] for o in partner_options(ds)]
    p = query["partner"].upper()
    if p in known:
        view.values["partner"] = p
    else:
        view.problems.append(f"Unknown partner '{query['partner']}' in the address: choose one of {', '.join(known)}.")


def items_url_view(ds: Any, search: str | None, eccns: set[str]) -> UrlView:
    """Partner, trade year and selected item of the Control list asked by `search`.
    `eccns`: the items of the control list (an unknown item is refused with a message)."""
    query = parse_query(search)
    view = UrlView()
    _partner(ds, query, view)
    if "year" in query:
        years = item_years(ds)
        try:
            y = int(query["year"])
        except ValueError:
            y = None
        if y in years:
            view.values["year"] = y
        else:
            span = f"{years[0]}–{years[-1]}" if years else "none"
            view.problems.append(f"No trade year '{query['year']}' in the data (years {span}): showing the latest.")
    if "item" in query:
        eccn = query["item"].upper()
        if eccn in eccns:
            view.values["item"] = eccn
        else:
            view.problems.append(f"No item '{query['item']}' in the control list: showing the list.")
    return view


def trade_url_view(ds: Any, search: str | None) -> UrlView:
    """Partner, year range, flow and HS drill-down of the Trade page asked by `search`."""
    query = parse_query(search)
    view = UrlView()
    _partner(ds, query, view)
    if "years" in query:
        all_years = totals_years(ds)
        m = _YEARS.match(query["years"])
        if m:
            a, b = int(m.group(1)), int(m.group(2) or m.group(1))
            lo, hi = sorted((a, b))
            if all_years and lo <= all_years[-1] and hi >= all_years[0]:
                view.values["years"] = [max(lo, all_years[0]), min(hi, all_years[-1])]
            else:
                m = None
        if not m:
            span = f"{all_years[0]}–{all_years[-1]}" if all_years else "none"
            view.problems.append(f"Years '{query['years']}' are outside the data ({span}): showing all years.")
    if "flow" in query:
        if query["flow"] in ("exports", "imports"):
            view.values["flow"] = query["flow"]
        else:
            view.problems.append(f"Unknown flow '{query['flow']}': showing US exports.")
    if "hs" in query:
        if _HS.match(query["hs"]):
            view.values["hs"] = query["hs"]
        else:
            view.problems.append(f"'{query['hs']}' is not an HS chapter, heading or subheading: showing all chapters.")
    return view


def years_param(years: list[int] | None) -> str | None:
    """[2015, 2023] -> "2015-2023" (one year: "2023")."""
    if not years or len(years) != 2:
        return None
    a, b = int(years[0]), int(years[1])
    return str(a) if a == b else f"{a}-{b}"


def problems_alert(view: UrlView) -> Any:
    """An inline, dismissable warning naming what the address asked for and could not be shown;
    `no_update` when all was understood (a later round of the URL <-> controls pair must not wipe
    the message the first round showed)."""
    import dash_bootstrap_components as dbc
    from dash import no_update

    if not view.problems:
        return no_update
    return dbc.Alert(
        " ".join(view.problems), color="warning", dismissable=True, className="py-1 px-2 small mb-2 url-alert"
    )


def scenarios_url_view(search: str | None, known: list[str]) -> UrlView:
    """The scenario picked and the scenarios compared on the Scenarios page, asked by `search`;
    `known`: the values the page's selectors offer (names for analysts, share ids for allies)."""
    view = UrlView()
    pick = parse_query(search).get("scenario")
    if pick is not None:
        if pick in known:
            view.values["scenario"] = pick
        else:
            view.problems.append(f"No saved scenario '{pick}' (or it is not shared with you): showing the first.")
    compared = query_list(search, "compare")
    if compared:
        ok = [c for c in compared if c in known]
        missing = [c for c in compared if c not in known]
        if ok:
            view.values["compare"] = list(dict.fromkeys(ok))
        if missing:
            view.problems.append(f"Not among the saved scenarios, left out of the comparison: {', '.join(missing)}.")
    return view
