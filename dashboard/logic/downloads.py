"""Downloads of the tables the pages show: CSV with provenance comment rows, XLSX with a sources sheet.

Each function returns `dcc.Download` data built whole on the server (`optimizer.table_export`), for
the audience the server decided: an ally's file is cut to the `optimizer.audience` whitelist before
anything is written, exactly as its screen is. The Control list file holds the rows the grid shows
(its filters, search and order: the ECCNs of `virtualRowData`), rebuilt from the server's item
table rather than copied from the browser, so nothing the browser sends can add a column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from dash import dcc

from dashboard.logic.trade import check_partner, partner_names
from dashboard.state import item_table
from optimizer.audience import ALLY_LINE_FIELDS, LINE_COLUMNS, items_for
from optimizer.errors import DecontrolError
from optimizer.table_export import Source, table_csv, table_xlsx
from optimizer.vocabulary import reason_label

FORMATS = ("csv", "xlsx")

#: Control list columns in the file, in order (an ally's file keeps the whitelisted ones only).
ITEM_COLUMNS: tuple[str, ...] = (
    "eccn",
    "heading",
    "tier",
    "tier_source",
    "licence_required",
    "binding_reasons",
    "licence_basis",
    "reasons",
    "regime",
    "category",
    "group",
    "decided_by",
    "value_usd",
    "value_basis",
    "fa_score",
    "fa_basis",
    "risk",
    "hs6",
)


def _stem(*parts: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", "_".join(str(p) for p in parts if p not in (None, ""))).strip("-")


def _send(tables: dict[str, pd.DataFrame], title: str, sources: Sequence[Source], stem: str, fmt: str) -> dict:
    """One file, whole: the first table as CSV, or every table as a sheet of a workbook."""
    if fmt not in FORMATS:
        raise DecontrolError(f"unknown download format '{fmt}': csv or xlsx")
    if fmt == "csv":
        first = next(iter(tables.values()))
        return dcc.send_string(table_csv(first, title, sources), f"{stem}.csv")
    return dcc.send_bytes(table_xlsx(tables, title, sources), f"{stem}.xlsx")


def trade_source(ds: Any, covers: str = "values and foreign availability (HS6 trade layer)") -> Source:
    return Source("synthetic" if ds.trade_synthetic else "real", covers, str(ds.trade_source))


def ccl_source(ds: Any) -> Source:
    src = ds.provenance["ccl"].source if "ccl" in getattr(ds, "provenance", {}) else "15 CFR 774 Supp. 1"
    return Source("real", "ECCNs, headings, reasons for control", str(src))


LICENSING = Source(
    "real",
    "licence requirement to the partner, instruments, who decides",
    "15 CFR 738 Supp. 1, 740 Supp. 1 (eCFR 2026-07-23); 744 Supp. 2 (2026-09-24)",
)
CONCORDANCE = Source(
    "analyst", "ECCN→HS6 mapping and controlled shares", "analyst-made concordance (datasets/concordance.csv)"
)
JUDGEMENTS = Source("analyst", "tiers and risk scores", "documented tier rules and risk weights (EstimationConfig)")


# ------------------------------------------------------------------------------------------ Control list
def items_download(
    ds: Any, partner: str | None, year: Any, shown: list[dict[str, Any]] | None, audience: str, fmt: str
) -> dict:
    """The Control list as the grid shows it (`shown`: its virtualRowData, filtered and sorted)."""
    from dashboard.logic.items import check_year

    if shown is None:
        raise DecontrolError("the control list has not loaded yet: download again once the grid shows its rows")
    p, y = check_partner(ds, partner), check_year(ds, year)
    items = item_table(ds, p, y)
    visible = items_for(items, "ally") if audience == "ally" else items
    cols = [c for c in ITEM_COLUMNS if c in visible.columns]
    order = [str(r.get("eccn")) for r in shown if isinstance(r, dict) and r.get("eccn")]
    table = visible.set_index("eccn", drop=False).reindex(order).dropna(subset=["eccn"])[cols]
    name = partner_names(ds).get(p, p)
    title = f"Commerce Control List items for {name} ({p}), trade year {y}: {len(table)} of {len(items)} items as shown"
    if audience == "ally":
        title += " (ally view: shared facts only)"
    sources = [ccl_source(ds), LICENSING, trade_source(ds), CONCORDANCE]
    if audience != "ally":
        sources.append(JUDGEMENTS)
    return _send({"items": table}, title, sources, _stem("control-list", p, y, audience), fmt)


# ------------------------------------------------------------------------------------------ Package builder
def _flat(v: Any) -> Any:
    return json.dumps(v, sort_keys=True, default=str) if isinstance(v, dict | list) else v


def _left_out(pkg: dict, result: dict, audience: str) -> pd.DataFrame:
    """The items left out of `pkg` with reason (code and words) and detail; for an ally only "not in package"."""
    excluded = pkg.get("excluded") or result["package"].get("excluded") or []
    if audience == "ally":
        return pd.DataFrame({"eccn": sorted({str(e.get("eccn", e)) for e in excluded}), "status": "not in package"})
    rows = [
        {
            "eccn": e.get("eccn"),
            "reason": e.get("reason"),
            "reason_label": reason_label(str(e.get("reason", ""))),
            "detail": e.get("detail", ""),
        }
        for e in excluded
    ]
    return pd.DataFrame(rows, columns=["eccn", "reason", "reason_label", "detail"])


def _package_sources(result: dict, audience: str) -> list[Source]:
    sources = [trade_source_of(result), LICENSING, CONCORDANCE]
    if audience != "ally":
        sources.append(JUDGEMENTS)
    return sources


def package_download(result: dict | None, shown: dict | None, audience: str, fmt: str) -> dict:
    """The shown package's lines: CSV, or a workbook with the items left out as a second sheet
    (an ally gets the whitelisted line fields and "not in package" only)."""
    from dashboard.logic.package import shown_package

    if not result or not result.get("ok"):
        raise DecontrolError("run the package first: there is no package to download")
    pkg, label = shown_package(result, shown)
    cols = [c for c in LINE_COLUMNS if audience != "ally" or c in ALLY_LINE_FIELDS]
    lines = pd.DataFrame([{c: _flat(line.get(c)) for c in cols} for line in pkg.get("items") or []], columns=cols)
    partner, year = result.get("partner", ""), result.get("year", "")
    title = f"{label} for {partner}, trade year {year}: {len(lines)} items, status {pkg.get('status', '')}"
    tables = {"package": lines, "left out": _left_out(pkg, result, audience)}
    return _send(tables, title, _package_sources(result, audience), _stem("package", partner, year), fmt)


def excluded_download(result: dict | None, shown: dict | None, audience: str, fmt: str) -> dict:
    """The items left out of the shown package, with their reason and detail."""
    from dashboard.logic.package import shown_package

    if not result or not result.get("ok"):
        raise DecontrolError("run the package first: there are no items left out to download")
    pkg, label = shown_package(result, shown)
    left = _left_out(pkg, result, audience)
    partner, year = result.get("partner", ""), result.get("year", "")
    title = f"Items left out of the {label.lower()} for {partner}, trade year {year}: {len(left)} items"
    return _send({"left out": left}, title, _package_sources(result, audience), _stem("left-out", partner, year), fmt)


def trade_source_of(result: dict) -> Source:
    """The trade layer a stored result was computed on (its own synthetic flag and source)."""
    return Source(
        "synthetic" if result.get("synthetic") else "real",
        "values and foreign availability (HS6 trade layer)",
        str(result.get("source") or "trade layer"),
    )


# ------------------------------------------------------------------------------------------ Scenarios
def compare_download(records: list[Any], ds: Any, audience: str, fmt: str) -> dict:
    """The compared scenarios' totals (and their items), then the package differences (workbook)."""
    from dashboard.logic import compare

    if len(records) < 2:
        raise DecontrolError("choose two or more scenarios to compare before downloading the comparison")
    totals = pd.DataFrame(compare.totals_rows(records, audience))
    totals["items"] = [
        ";".join(f"{e}:{m}" for e, m in sorted(compare.package_lines(r.results or {}).items())) for r in records
    ]
    diffs = pd.DataFrame(
        [
            {
                "scenario": d["name"],
                "against": d["against"],
                "added": ";".join(d["added"]),
                "removed": ";".join(d["removed"]),
                "mode_changed": ";".join(f"{e}:{a}->{b}" for e, a, b in d["mode_changed"]),
            }
            for d in compare.diffs(records)
        ],
        columns=["scenario", "against", "added", "removed", "mode_changed"],
    )
    title = f"Comparison of {len(records)} scenarios: {', '.join(str(r.name) for r in records)}"
    sources = [trade_source(ds, "package values (from each scenario's trade layer)"), CONCORDANCE]
    if audience != "ally":
        sources.append(JUDGEMENTS)
    return _send(
        {"totals": totals, "differences": diffs}, title, sources, _stem("compare", len(records), "scenarios"), fmt
    )


# ------------------------------------------------------------------------------------------ Allies
def coalition_download(result: dict[str, Any], fmt: str) -> dict:
    """The coalition run: gains per member, then both packages' items (analysts only: the page is)."""
    from dashboard.logic.allies import coalition_summary

    s = coalition_summary(result)
    gains = pd.DataFrame(s["gains"])
    rows = []
    for side in ("coalition", "us_only"):
        for it in s["sides"][side]["items"]:
            row = {"package": side, "eccn": it.get("eccn"), "heading": it.get("heading", "")}
            row.update({f"{m}_usd": (it.get("values_usd") or {}).get(m) for m in s["members"]})
            row.update({"risk": it.get("risk"), "why": it.get("why", "")})
            rows.append(row)
    packages = pd.DataFrame(
        rows, columns=["package", "eccn", "heading", *[f"{m}_usd" for m in s["members"]], "risk", "why"]
    )
    tables = {"gains": gains, "packages": packages}
    if fmt == "csv":  # one file holds the whole view: each member's gains, then both packages' items
        both = pd.concat([gains.assign(package="member gains"), packages], ignore_index=True)
        tables = {"coalition": both[["package", *[c for c in both.columns if c != "package"]]]}
    title = (
        f"Coalition package vs US-only optimum for {s['partner']} {s['year']}, members {', '.join(s['members'])}, "
        f"risk budget {s['risk_budget']}"
    )
    sources = [
        Source("synthetic" if s["synthetic"] else "real", "members' gains and item values", str(s["source"])),
        Source("real", "regime membership of the members", "regime websites (datasets/regimes.csv)"),
        CONCORDANCE,
        JUDGEMENTS,
    ]
    return _send(tables, title, sources, _stem("coalition", s["partner"], s["year"], *s["members"]), fmt)
