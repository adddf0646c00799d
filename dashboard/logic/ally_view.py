"""What an ally may be shown: the control list, an item and a package with shared facts only.

Every function here starts from `optimizer.audience` (a whitelist), so a column added to the item
table later stays hidden from allies by default. Tiers are judgements about the item (a
`transactional` tier marks a bargaining chip), so an ally sees neither the tier nor its rationale,
nor risk, notes or override authors; excluded items collapse to "not in package".
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from dash import html

from dashboard.components import empty_state, provenance_badge
from dashboard.logic.items import check_year, grid_basis, trade_label, trade_provenance
from dashboard.logic.trade import partner_names
from dashboard.state import item_table
from dashboard.theme import fmt_pct, fmt_score, fmt_usd
from optimizer.audience import internal_markers_in, items_for, package_for

#: Grid fields shown to allies (display text next to whitelisted numbers).
ALLY_GRID_FIELDS: tuple[str, ...] = (
    "eccn",
    "heading",
    "licence",
    "binding",
    "licence_basis",
    "reasons",
    "regime",
    "category",
    "group",
    "value_usd",
    "value_text",
    "value_basis",
    "fa_score",
    "fa_text",
    "hs6_count",
)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def ally_grid_rows(items: pd.DataFrame, trade_label: str = "") -> list[dict[str, Any]]:
    """Grid rows built from the ally's columns only (the internal table never reaches this loop)."""
    visible = items_for(items, "ally")
    rows = []
    for r in visible.to_dict(orient="records"):
        value = _num(r.get("value_usd"))
        fa = _num(r.get("fa_score"))
        rows.append(
            {
                "eccn": r["eccn"],
                "heading": r.get("heading", ""),
                "licence": r.get("licence_required", ""),
                "binding": str(r.get("binding_reasons") or "").replace(";", ", "),
                "licence_basis": r.get("licence_basis", ""),
                "reasons": str(r.get("reasons") or "").replace(";", ", "),
                "regime": str(r.get("regime") or "").replace(";", ", "),
                "category": int(r["category"]) if _num(r.get("category")) is not None else None,
                "group": r.get("group", ""),
                "value_usd": value,
                "value_text": fmt_usd(value, missing="unknown"),
                "value_basis": grid_basis(r.get("value_basis", ""), trade_label),
                "fa_score": fa,
                "fa_text": fmt_score(fa),
                "hs6_count": len([h for h in str(r.get("hs6") or "").split(";") if h]),
            }
        )
    return rows


def ally_column_defs(internal_defs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The analyst's column definitions restricted to ally fields (same look, fewer columns)."""
    return [d for d in internal_defs if d.get("field") in ALLY_GRID_FIELDS]


def ally_items_view(ds: Any, partner: str, year: Any, column_defs: Any) -> tuple[list, list, list]:
    """rowData, columnDefs and summary of the control list for an ally (no tiers, no risk)."""
    y = check_year(ds, year)
    items = item_table(ds, partner, y)
    from dashboard.logic.items import SEARCH_COLUMN, item_search_text, with_search_text

    rows = with_search_text(ally_grid_rows(items, trade_label(ds)), item_search_text(ds, items, "ally"))
    name = partner_names(ds).get(partner, partner)
    known = sum(1 for r in rows if r["value_usd"] is not None)
    text = (
        f"{len(rows):,} items · values for {name}, {y} (US$ per year), known for {known:,} items · ally view: "
        "shared trade facts only"
    )
    return (
        rows,
        ally_column_defs(column_defs(items, y)) + [SEARCH_COLUMN],
        [html.Span(text), provenance_badge(trade_provenance(ds))],
    )


def ally_panel_view(ds: Any, eccn: str | None, partner: str, year: Any) -> tuple[str, list, None]:
    """Item panel for an ally: heading, control facts, value and foreign availability (no tier, no risk)."""
    if not eccn:
        return "Item", [empty_state("Select a row of the control list to see the item.")], None
    y = check_year(ds, year)
    items = items_for(item_table(ds, partner, y), "ally")
    hit = items[items["eccn"] == eccn]
    if hit.empty:
        return "Item", [empty_state(f"{eccn} is not in the control list.")], None
    it = hit.iloc[0].to_dict()
    name = partner_names(ds).get(partner, partner)
    prov = trade_provenance(ds)
    facts = [
        ["Reasons for control", str(it.get("reasons") or "not stated").replace(";", ", ")],
        ["Regime", str(it.get("regime") or "n/a").replace(";", ", ")],
        ["CCL category / group", f"{it.get('category')} / {it.get('group')}"],
        [
            f"Unrealised US export potential to {name}, {y}",
            f"{fmt_usd(_num(it.get('value_usd')), missing='unknown')} per year",
        ],
        ["How the value is measured", str(it.get("value_basis", ""))],
        ["Foreign availability score (0–1)", fmt_score(_num(it.get("fa_score")))],
        ["Share of world exports from outside the US and the regime", fmt_pct(_num(it.get("fa_non_regime_share")), 0)],
        ["Share from all non-US suppliers", fmt_pct(_num(it.get("fa_all_foreign_share")), 0)],
        ["Third-country suppliers above the threshold", str(it.get("fa_supplier_count", "n/a"))],
        ["Largest third-country suppliers", str(it.get("fa_top_suppliers") or "n/a")],
    ]
    table = html.Table(
        html.Tbody([html.Tr([html.Th(k, className="fw-normal text-muted"), html.Td(v)]) for k, v in facts]),
        className="table table-sm small",
    )
    from dashboard.logic.item_evidence import ecfr_line, evidence_section, supplier_table
    from dashboard.logic.items import diversion_section, licence_section

    body = [
        html.P(str(it.get("heading", "")), className="mb-1"),
        ecfr_line(eccn),
        licence_section(it, name),
        html.Div([html.Span("Trade evidence ", className="small"), provenance_badge(prov)], className="mb-1"),
        table,
        supplier_table(ds, eccn, partner, name, y, _supplier_roles(ds, eccn, partner, y)),
        evidence_section(ds, eccn, partner, name, y),
        diversion_section(ds, eccn, partner, name),
    ]
    return f"{eccn} · {name}, {y}", body, None


def _supplier_roles(ds: Any, eccn: str, partner: str, year: int) -> dict[str, str]:
    """Exporter -> its role in the foreign-availability score (US, partner, regime member,
    non-regime): public regime membership, the only part of the explanation used here."""
    from dashboard.state import item_explanation

    sup = item_explanation(ds, eccn, partner, year).suppliers
    return dict(zip(sup["exporter"], sup["role"]))


def ally_package(result: dict[str, Any]) -> dict[str, Any]:
    """A package result as an ally may see it; excluded items are listed as "not in package" only."""
    out = package_for(result, "ally")
    excluded = result.get("excluded") or []
    if excluded:
        out["not_in_package"] = sorted({str(e.get("eccn", e)) if isinstance(e, dict) else str(e) for e in excluded})
    return out


def value_frontier_points(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Frontier points for an ally: value against the number of items (no risk axis)."""
    out = []
    for p in points:
        n = p.get("n_items")
        if n is None and isinstance(p.get("items"), list):
            n = len(p["items"])
        value = p.get("achieved_usd", p.get("value_usd"))
        if n is not None and value is not None:
            out.append({"n_items": int(n), "achieved_usd": float(value)})
    return out


def internal_fields_in(payload: Any) -> list[str]:
    """Internal markers found anywhere in a JSON payload (keys or text); [] means safe for an ally.

    A file download (`{"content": <base64>, "base64": true}`) is read as what it holds (the text of
    a deck's or workbook's XML parts), not as its encoding: base64 letters spell "risk" by chance in
    about one large file in ten, and what matters is whether the file's own text says it. A field
    marker ("notes") counts as a key, a cell or a label, not as a word of an HS name ("banknotes")."""
    return internal_markers_in(json.dumps(_readable(payload), default=str))


def _readable(payload: Any) -> Any:
    """`payload` with every base64 download replaced by the text it encodes."""
    if isinstance(payload, dict):
        if payload.get("base64") is True and isinstance(payload.get("content"), str):
            return {**payload, "content": _decoded_text(payload["content"])}
        return {k: _readable(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [_readable(v) for v in payload]
    return payload


def _decoded_text(content: str) -> str:
    """The text of a base64 file: the XML parts of a zip (PPTX, XLSX) with their tags as "|" (a cell's
    or a text run's edges stay visible), else UTF-8."""
    import base64
    import io
    import re
    import zipfile

    raw = base64.b64decode(content)
    if raw[:2] != b"PK":
        return raw.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        parts = [z.read(n).decode("utf-8", errors="replace") for n in z.namelist() if n.endswith(".xml")]
    return re.sub(r"<[^>]+>", "|", " ".join(parts))
