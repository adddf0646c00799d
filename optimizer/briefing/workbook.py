"""The briefing workbook: the package, excluded items, the item table and all assumptions, one sheet each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.briefing.content import Briefing
from optimizer.errors import DecontrolError
from optimizer.model.diagnose import diagnosis_lines, largest_target_usd


def workbook_sheets(briefing: Briefing) -> dict[str, pd.DataFrame]:
    """The sheets as DataFrames (audience filter applied), in workbook order."""
    b = briefing.for_audience()
    data_status = "synthetic" if b.hs6_synthetic else "real"
    package = pd.DataFrame(b.package.get("items", []))
    if not package.empty:
        package.insert(len(package.columns), "hs6_data", data_status)
    sheets = {"Package": package}
    if b.audience == "internal":
        sheets["Excluded"] = pd.DataFrame(b.package.get("excluded", []), columns=None)
    if b.exchange:  # internal only (for_audience drops it)
        from optimizer.briefing.exchange import exchange_sheets

        sheets.update(exchange_sheets(b.exchange, b.exchange_references))
    sheets["Items"] = b.items.copy()
    rows: list[tuple[str, str]] = [
        ("marking", b.marking),
        ("audience", b.audience),
        ("partner", b.partner),
        ("year", str(b.year)),
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
        rows.append(("result.largest_achievable_target_usd", _cell(largest_target_usd(best))))
    rows += [(f"result.diagnosis.{i}", line) for i, line in enumerate(diagnosis_lines(b.package), start=1)]
    sheets["Assumptions"] = pd.DataFrame(rows, columns=["parameter", "value"])
    return sheets


def write_workbook(briefing: Briefing, path: Path) -> Path:
    return write_sheets(workbook_sheets(briefing), path)


def write_sheets(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write `sheets` to an .xlsx at `path` atomically (a temporary file renamed into place: a
    failed write leaves no partial workbook), header row frozen, columns sized to their text."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DecontrolError(f"the workbook must be an .xlsx file, got '{path.name}'")
    tmp = path.with_name(path.name + ".tmp.xlsx")
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, df in sheets.items():
                df.to_excel(xl, sheet_name=name, index=False)
                ws = xl.sheets[name]
                ws.freeze_panes = "B2"
                for col in ws.columns:
                    width = max((len(str(c.value)) for c in col[:200] if c.value is not None), default=8)
                    ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _cell(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, dict):
        return "; ".join(f"{k}={x}" for k, x in v.items())
    return "" if v is None else str(v)
