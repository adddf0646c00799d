"""The briefing workbook: the package, excluded items, the frontier, the alternatives, the item table and
all assumptions, one sheet each.

Every sheet opens with a banner row (the marking, and which figures are synthetic), then a header row
of readable column names (frozen, with an autofilter), then the data: money in US$ number formats,
shares as percentages, numbers stored as numbers (codes such as HS6 stay text). The sheets' data is
built as DataFrames first (`workbook_sheets`), so tests and other exports read the same content.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from optimizer.briefing.content import Briefing
from optimizer.errors import DecontrolError
from optimizer.model.diagnose import diagnosis_lines, largest_target_usd
from optimizer.vocabulary import reason_label

USD_FORMAT = '"$"#,##0'
PERCENT_FORMAT = "0.0%"
DECIMAL_FORMAT = "0.000"
INTEGER_FORMAT = "#,##0"

#: Column names as a reader sees them in the header row (others: underscores as spaces, capitalised).
HEADERS: dict[str, str] = {
    "eccn": "ECCN",
    "heading": "Item (CCL heading)",
    "short_name": "Item",
    "mode": "Relief",
    "instrument": "Relief instrument",
    "value_usd": "Value unlocked (US$/yr)",
    "potential_usd": "Potential (US$/yr)",
    "licence_bound_usd": "Licence-bound trade (US$/yr)",
    "target_usd": "Target (US$/yr)",
    "achieved_usd": "Exports unlocked (US$/yr)",
    "fa_score": "Foreign availability",
    "fa_score_computed": "Foreign availability (computed)",
    "fa_non_regime_share": "Supply outside the regime",
    "fa_all_foreign_share": "Non-US supply",
    "fa_partner_capacity": "Partner's own capacity",
    "fa_partner_exports_usd": "Partner's exports (US$)",
    "fa_partner_imports_usd": "Partner's imports (US$)",
    "fa_world_exports_usd": "World supply (US$)",
    "fa_supplier_count": "Suppliers outside the regime",
    "fa_top_suppliers": "Largest suppliers",
    "fa_evidence": "Foreign-availability evidence",
    "hs6": "HS6 codes",
    "hs6_data": "HS6 trade data",
    "n_items": "Number of items",
    "items": "Items (ECCNs)",
    "why": "Why chosen",
    "reason": "Reason code",
    "reason_label": "Reason left out",
    "risk": "Security risk (points)",
    "risk_base": "Risk before foreign availability",
    "blocked_share": "Blocked share",
    "licence_required": "Licence required",
    "binding_reasons": "Binding reasons",
    "licence_basis": "Licence basis",
    "decided_by": "Decided by",
    "synthetic": "Synthetic figures",
    "meu_listed": "On the military end-use list",
    "meu_part_only": "Military end-use list only",
    "fa_basis": "Foreign-availability basis",
    "fa_override": "Foreign availability overridden",
    "licence_cautious": "Licence read cautiously",
    "value_override": "Value overridden",
    "parameter": "Parameter",
    "value": "Value",
    "meaning": "Meaning",
}

#: Text columns whose values are codes, kept as text even when they look like numbers.
CODE_COLUMNS = ("hs6", "hs6_used", "unsourced_hs6", "eccn", "id", "measure_id", "category", "group")


def _is_usd(col: str) -> bool:
    return col.endswith("_usd") or "US$" in col


def _is_share(col: str) -> bool:
    return col in ("fa_score", "fa_score_computed", "fa_partner_capacity", "blocked_share", "balance_ratio") or (
        col.endswith("_share") or col.startswith("share")
    )


def header_label(col: str) -> str:
    if col in HEADERS:
        return HEADERS[col]
    if col.startswith("ally_") and len(col) == 8:
        return f"Position of {col[5:]}"
    text = col.replace("_usd", " (US$)").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def banner(b: Briefing) -> str:
    status = (
        "Item-level trade figures (values, foreign availability) are SYNTHETIC, calibrated to real Census totals: "
        "do not quote them as official statistics."
        if b.hs6_synthetic
        else "Item-level trade figures are real data."
    )
    return f"{b.marking}  |  {b.partner_name} {b.year}, prepared {b.prepared_on}  |  {status}"


def excluded_table(excluded: list[dict[str, Any]]) -> pd.DataFrame:
    """The items left out, one row each: the reason's code and, beside it, its words
    (`optimizer.vocabulary.REASON_LABELS`, as the dashboard and the deck say it)."""
    table = pd.DataFrame(excluded, columns=None)
    if "reason" in table.columns:
        table.insert(list(table.columns).index("reason") + 1, "reason_label", table["reason"].map(reason_label))
    return table


def workbook_sheets(briefing: Briefing) -> dict[str, pd.DataFrame]:
    """The sheets as DataFrames (audience filter applied), in workbook order."""
    b = briefing.for_audience()
    data_status = "synthetic" if b.hs6_synthetic else "real"
    package = pd.DataFrame(b.package.get("items", []))
    if not package.empty:
        from optimizer.briefing.names import short_name

        package.insert(
            1,
            "short_name",
            [short_name(e, h) for e, h in zip(package["eccn"], package.get("heading", package["eccn"]))],
        )
        package.insert(len(package.columns), "hs6_data", data_status)
    sheets = {"Package": package}
    if b.audience == "internal":
        sheets["Excluded"] = excluded_table(b.package.get("excluded", []))
    sheets["Frontier"] = pd.DataFrame(
        [
            {k: p.get(k) for k in ("target_usd", "achieved_usd", "risk") if k in p}
            | {
                "n_items": p.get("n_items", len(p.get("items", []))),
                "items": ", ".join(str(i.get("eccn", "")) for i in p.get("items", [])),
            }
            for p in b.frontier
        ]
    )
    sheets["Alternatives"] = _alternatives(b)
    if b.exchange:  # internal only (for_audience drops it)
        from optimizer.briefing.exchange import exchange_sheets

        sheets.update(exchange_sheets(b.exchange, b.exchange_references))
    sheets["Items"] = b.items.copy()
    rows: list[tuple[str, Any]] = [
        ("marking", b.marking),
        ("audience", b.audience),
        ("partner", b.partner),
        ("year", b.year),
        ("prepared_on", b.prepared_on),
        ("hs6_trade_data", f"{data_status}: {b.hs6_source}"),
        ("trade_totals", b.trade_source),
    ]
    rows += [(k, _cell(v)) for k, v in b.assumptions.items()]
    rows += [(k, _cell(v)) for k, v in b.provenance.items()]
    totals = {k: b.package.get(k) for k in ("status", "target_usd", "achieved_usd", "max_achievable_usd")}
    if b.audience == "internal":
        totals.update({k: b.package.get(k) for k in ("risk", "marginal_risk_per_bn")})
    rows += [(f"result.{k}", _cell(v)) for k, v in totals.items()]
    best = b.package.get("max_achievable_usd")
    if b.package.get("achieved_usd") is None and best is not None:
        rows.append(("result.largest_achievable_target_usd", largest_target_usd(best)))
    rows += [(f"result.diagnosis.{i}", line) for i, line in enumerate(diagnosis_lines(b.package), start=1)]
    sheets["Assumptions"] = pd.DataFrame(
        [(k, v, _meaning(k)) for k, v in rows], columns=["parameter", "value", "meaning"]
    )
    return sheets


def _meaning(key: str) -> str:
    from optimizer.briefing.deck import ASSUMPTION_LABELS

    extra = {
        "marking": "Handling marking",
        "audience": "Audience",
        "prepared_on": "Prepared on",
        "hs6_trade_data": "Item-level (HS6) trade data",
        "trade_totals": "Trade totals",
        "dataset_id": "Dataset id",
        "ccl": "Control list",
        "max_diversion": "Highest diversion signal allowed",
        "result.status": "Solver status",
        "result.target_usd": "Concession target (US$/yr)",
        "result.achieved_usd": "Exports unlocked (US$/yr)",
        "result.max_achievable_usd": "Largest package found (US$/yr)",
        "result.risk": "Security risk of the package (points)",
        "result.marginal_risk_per_bn": "Marginal risk per extra US$1bn of target (LP estimate)",
        "result.largest_achievable_target_usd": "Largest achievable target (US$/yr)",
    }
    if key.startswith("result.diagnosis."):
        return "Why no package reaches the target"
    if key.startswith("estimation."):
        return "Estimation setting: " + key.removeprefix("estimation.").replace("_", " ")
    return extra.get(key) or ASSUMPTION_LABELS.get(key, key.replace("_", " "))


def _alternatives(b: Briefing) -> pd.DataFrame:
    internal = b.audience == "internal"
    chosen = {str(line.get("eccn")) for line in b.package.get("items", [])}
    rows = []
    for name, pkg in [("Proposal", b.package)] + [(f"Alternative {i}", a) for i, a in enumerate(b.alternatives, 1)]:
        ids = {str(line.get("eccn")) for line in pkg.get("items", [])}
        row: dict[str, Any] = {"option": name, "n_items": len(ids), "achieved_usd": pkg.get("achieved_usd")}
        if internal:
            row["risk"] = pkg.get("risk")
        row["items"] = ", ".join(sorted(ids))
        row["added"] = ", ".join(sorted(ids - chosen))
        row["dropped"] = ", ".join(sorted(chosen - ids))
        rows.append(row)
    return pd.DataFrame(rows)


def write_workbook(briefing: Briefing, path: Path) -> Path:
    b = briefing.for_audience()
    return write_sheets(workbook_sheets(briefing), path, banner=banner(b))


def write_sheets(sheets: dict[str, pd.DataFrame], path: Path, banner: str = "") -> Path:
    """Write `sheets` to an .xlsx at `path` atomically (a temporary file renamed into place: a failed
    write leaves no partial workbook): a banner row when given, readable headers, header frozen with an
    autofilter, US$ and percent formats, columns sized to their text."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DecontrolError(f"the workbook must be an .xlsx file, got '{path.name}'")
    tmp = path.with_name(path.name + ".tmp.xlsx")
    start = 1 if banner else 0
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, df in sheets.items():
                out = _numeric(df)
                labels = [header_label(str(c)) for c in out.columns]
                out.columns = pd.Index(_unique(labels))
                out.to_excel(xl, sheet_name=name, index=False, startrow=start)
                _style(xl.sheets[name], df, start, banner)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab} ({seen[lab]})")
    return out


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns whose values are numbers (or numeric text) as numbers, codes left as text."""
    out = df.copy()
    for col in out.columns:
        if str(col) in CODE_COLUMNS or not (
            pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col])
        ):
            continue
        out[col] = [_number_or_text(v) for v in out[col]]
    return out


def _number_or_text(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return None if isinstance(v, float) and math.isnan(v) else v
    if isinstance(v, str):
        t = v.strip()
        try:
            f = float(t)
        except ValueError:
            return v
        if not math.isfinite(f) or t.lower() in ("nan", "inf", "-inf", "infinity"):
            return v
        return int(f) if f.is_integer() and "." not in t and "e" not in t.lower() else f
    return v


def _style(ws: Any, df: pd.DataFrame, start: int, banner: str) -> None:
    header_row = start + 1
    last_col = max(1, len(df.columns))
    last_row = header_row + len(df)
    if banner:
        ws.cell(row=1, column=1, value=banner)
        ws.cell(row=1, column=1).font = Font(bold=True, color="B01E2D")
        ws.cell(row=1, column=1).fill = PatternFill("solid", fgColor="FDECEA")
        ws.cell(row=1, column=1).alignment = Alignment(wrap_text=False)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2).coordinate
    if len(df.columns):
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_col)}{max(last_row, header_row)}"
    for j, col in enumerate(df.columns, start=1):
        name = str(col)
        fmt = _format_for(name, df[col])
        letter = get_column_letter(j)
        if fmt:
            for r in range(header_row + 1, last_row + 1):
                cell = ws.cell(row=r, column=j)
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = fmt
        header = ws.cell(row=header_row, column=j)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        width = max(
            [len(str(ws.cell(row=r, column=j).value or "")) for r in range(header_row + 1, min(last_row, 200) + 1)]
            + [min(len(str(header.value)), 24), 8]
        )
        ws.column_dimensions[letter].width = min(60, width + 2)
    if [str(c) for c in df.columns][:2] == ["parameter", "value"]:  # a key-value sheet: format by the key
        for r in range(header_row + 1, last_row + 1):
            key, cell = str(ws.cell(row=r, column=1).value or ""), ws.cell(row=r, column=2)
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                fmt = _format_for(key.split(".")[-1], df["value"])
                if fmt:
                    cell.number_format = fmt


def _format_for(name: str, values: pd.Series) -> str:
    if _is_usd(name):
        return USD_FORMAT
    if _is_share(name):
        return PERCENT_FORMAT
    if name in ("risk", "risk_base", "marginal_risk_per_bn", "ally_penalty"):
        return DECIMAL_FORMAT
    if name in ("n_items", "fa_supplier_count"):
        return INTEGER_FORMAT
    if name in ("year", "baseline_year"):
        return "0"
    return ""


def _cell(v: Any) -> Any:
    """An assumption's value for a cell: numbers stay numbers, lists and dicts become text."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return None if isinstance(v, float) and math.isnan(v) else v
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, dict):
        return "; ".join(f"{k}={x}" for k, x in v.items())
    return "" if v is None else str(v)
